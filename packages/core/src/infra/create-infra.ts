import { createRedisClient, type RedisClientOptions } from "./create-redis-client.ts";
import { MemoryPubSub } from "./memory-pub-sub.ts";
import { MemoryRateLimiter } from "./memory-rate-limiter.ts";
import type { PubSub, PubSubErrorReporter } from "./pub-sub.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { RedisPubSub } from "./redis-pub-sub.ts";
import { RedisRateLimiter } from "./redis-rate-limiter.ts";

export type CreateInfraOptions = {
  /** `redis://…`; without it every capability is in-process (the embedded default). */
  redisUrl?: string | undefined;
  /** Prepended to every Redis key and channel, e.g. `"tengine:"` (rate-limit keys get `rl:` after it). */
  keyPrefix: string;
  /** Timeouts and connection error reporting of the Redis clients. */
  redis?: Omit<RedisClientOptions, "connectionName">;
  onPubSubHandlerError?: PubSubErrorReporter;
  onResubscribed?: () => void;
};

export type Infra = {
  /** `"redis"` when shared across processes, `"memory"` when one process only. */
  kind: "redis" | "memory";
  rateLimiter: RateLimiter;
  pubSub: PubSub;
  close(): Promise<void>;
};

/**
 * The process's Redis-backed capabilities: Redis implementations when `redisUrl` is set,
 * in-process ones otherwise (DESIGN.md §2, embedded default). Create it once per process.
 * It never connects eagerly, so it cannot fail at boot; while Redis is down the Redis
 * implementations throw `InfraUnavailableError`.
 */
export function createInfra(options: CreateInfraOptions): Infra {
  if (!options.redisUrl) {
    const pubSub = new MemoryPubSub({ ...(options.onPubSubHandlerError ? { onHandlerError: options.onPubSubHandlerError } : {}) });
    return {
      kind: "memory",
      rateLimiter: new MemoryRateLimiter(),
      pubSub,
      close: () => pubSub.close(),
    };
  }
  const redis = createRedisClient(options.redisUrl, { ...options.redis, connectionName: "tengine" });
  const pubSub = new RedisPubSub({
    redis,
    keyPrefix: options.keyPrefix,
    ...(options.onPubSubHandlerError ? { onHandlerError: options.onPubSubHandlerError } : {}),
    ...(options.onResubscribed ? { onResubscribed: options.onResubscribed } : {}),
  });
  return {
    kind: "redis",
    rateLimiter: new RedisRateLimiter({ redis, keyPrefix: `${options.keyPrefix}rl:` }),
    pubSub,
    close: async () => {
      await pubSub.close();
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
