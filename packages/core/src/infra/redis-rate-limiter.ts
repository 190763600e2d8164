import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { withRedis } from "./create-redis-client.ts";
import { assertValidRateLimit, type RateLimit, type RateLimitDecision, type RateLimiter } from "./rate-limiter.ts";

/**
 * One sliding-window-log hit, atomically: a sorted set per key, scored by hit time.
 * KEYS[1] the key; ARGV max, windowMs, now ("" = use the Redis server clock), member.
 * Returns { allowed (1|0), count, retryAfterMs }.
 * Redis ≥ 5 replicates script effects, so reading TIME before writing is allowed.
 */
const HIT_SCRIPT = `
local key = KEYS[1]
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < max then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window * 2)
  return { 1, count + 1, 0 }
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local retry = window
if oldest[2] then
  retry = tonumber(oldest[2]) + window - now
  if retry < 1 then retry = 1 end
end
return { 0, count, retry }
`;

/** ioredis sends EVALSHA with the cached SHA and falls back to EVAL once on NOSCRIPT. */
const COMMAND = "tengineRateLimitHit";
type WithHitCommand = Redis & {
  [COMMAND](key: string, max: number, windowMs: number, now: string, member: string): Promise<[number, number, number]>;
};

export type RedisRateLimiterOptions = {
  /** A client from `createRedisClient`; the caller owns it and closes it. */
  redis: Redis;
  /** Prepended to every key, e.g. `"tengine:rl:"`. */
  keyPrefix: string;
};

/**
 * Sliding-window-log limiter in Redis, shared by every replica using the same Redis and
 * prefix. One Lua script per hit, so concurrent hits from any number of replicas never
 * overshoot `max`. Keys expire two windows after their last allowed hit.
 *
 * Throws `InfraUnavailableError` quickly when Redis cannot answer; the caller chooses to
 * fail open or closed.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: WithHitCommand;
  readonly #keyPrefix: string;

  constructor(options: RedisRateLimiterOptions) {
    if (typeof (options.redis as unknown as Record<string, unknown>)[COMMAND] !== "function") {
      options.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
    }
    this.#redis = options.redis as unknown as WithHitCommand;
    this.#keyPrefix = options.keyPrefix;
  }

  async hit(key: string, limit: RateLimit, now?: number): Promise<RateLimitDecision> {
    assertValidRateLimit(limit);
    // Unique per hit: two hits in the same millisecond must be two members of the set.
    const member = `${now ?? ""}:${randomBytes(8).toString("hex")}`;
    const nowArg = now === undefined ? "" : String(Math.floor(now));
    const [allowed, count, retryAfterMs] = await withRedis(this.#redis, "rate-limiter", () =>
      this.#redis[COMMAND](this.#keyPrefix + key, limit.max, limit.windowMs, nowArg, member),
    );
    return {
      allowed: allowed === 1,
      remaining: Math.max(0, limit.max - count),
      retryAfterMs,
      count,
    };
  }
}
