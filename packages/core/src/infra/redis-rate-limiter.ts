import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { withRedis } from "./create-redis-client.ts";
import { assertValidRateLimit, QUOTA_THRESHOLD, type RateLimit, type RateLimitDecision, type RateLimiter } from "./rate-limiter.ts";

/**
 * Sliding-window-log hits, atomically: a sorted set per key, scored by hit time; limits with
 * max above the quota threshold (ARGV[2]) use a fixed-window counter `<key>#<window start>`
 * instead (rate-limiter.ts). The keys are evaluated in order and the first refusal ends the script.
 * KEYS the keys; ARGV[1] now ("" = use the Redis server clock), ARGV[2] the quota threshold,
 * then max, windowMs, member per key. Returns a flat list of { allowed (1|0), count, retryAfterMs } per evaluated key.
 * Redis ≥ 5 replicates script effects, so reading TIME before writing is allowed.
 * (In Redis Cluster the keys would need one hash slot; a single Redis is what we run.)
 */
const HIT_ALL_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local threshold = tonumber(ARGV[2])
local out = {}
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[i * 3])
  local window = tonumber(ARGV[i * 3 + 1])
  if max > threshold then
    local start = math.floor(now / window) * window
    local counter = key .. '#' .. string.format('%.0f', start)
    local count = tonumber(redis.call('GET', counter) or '0')
    if count < max then
      redis.call('INCR', counter)
      redis.call('PEXPIRE', counter, window * 2)
      table.insert(out, 1); table.insert(out, count + 1); table.insert(out, 0)
    else
      table.insert(out, 0); table.insert(out, count); table.insert(out, start + window - now)
      return out
    end
  else
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < max then
    redis.call('ZADD', key, now, ARGV[i * 3 + 2])
    redis.call('PEXPIRE', key, window * 2)
    table.insert(out, 1); table.insert(out, count + 1); table.insert(out, 0)
  else
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local retry = window
    if oldest[2] then
      retry = tonumber(oldest[2]) + window - now
      if retry < 1 then retry = 1 end
    end
    table.insert(out, 0); table.insert(out, count); table.insert(out, retry)
    return out
  end
  end
end
return out
`;

/** ioredis sends EVALSHA with the cached SHA and falls back to EVAL once on NOSCRIPT. */
const COMMAND_ALL = "tengineRateLimitHitAll";
type WithHitCommand = Redis & {
  [COMMAND_ALL](...args: Array<string | number>): Promise<number[]>;
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
    if (typeof (options.redis as unknown as Record<string, unknown>)[COMMAND_ALL] !== "function") {
      // numberOfKeys varies per call: ioredis then takes it as the first argument
      options.redis.defineCommand(COMMAND_ALL, { lua: HIT_ALL_SCRIPT });
    }
    this.#redis = options.redis as unknown as WithHitCommand;
    this.#keyPrefix = options.keyPrefix;
  }

  async hit(key: string, limit: RateLimit, now?: number): Promise<RateLimitDecision> {
    const [decision] = await this.hitAll([{ key, limit }], now);
    return decision!;
  }

  async hitAll(hits: ReadonlyArray<{ key: string; limit: RateLimit }>, now?: number): Promise<RateLimitDecision[]> {
    if (hits.length === 0) return [];
    hits.forEach((h) => assertValidRateLimit(h.limit));
    const nowArg = now === undefined ? "" : String(Math.floor(now));
    const args: Array<string | number> = [hits.length, ...hits.map((h) => this.#keyPrefix + h.key), nowArg, QUOTA_THRESHOLD];
    // Members are unique per hit: two hits in the same millisecond are two members of the set.
    for (const h of hits) args.push(h.limit.max, h.limit.windowMs, `${nowArg}:${randomBytes(8).toString("hex")}`);
    const flat = await withRedis(this.#redis, "rate-limiter", () => this.#redis[COMMAND_ALL](...args));
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i * 3 < flat.length; i++) {
      const [allowed, count, retryAfterMs] = [flat[i * 3]!, flat[i * 3 + 1]!, flat[i * 3 + 2]!];
      decisions.push({ allowed: allowed === 1, remaining: Math.max(0, hits[i]!.limit.max - count), retryAfterMs, count });
    }
    return decisions;
  }
}
