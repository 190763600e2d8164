import { assertValidRateLimit, QUOTA_THRESHOLD, quotaWindow, type RateLimit, type RateLimitDecision, type RateLimiter } from "./rate-limiter.ts";

type Entry = {
  /** Times of allowed hits, ascending. */
  hits: number[];
  /** Like the Redis key's TTL: two windows after the last allowed hit. */
  expiresAt: number;
};

export type MemoryRateLimiterOptions = {
  /** Minimum time (on the hits' clock) between two sweeps of expired keys. */
  sweepIntervalMs?: number;
};

/**
 * In-process sliding-window-log limiter for one process (the embedded default). Same
 * semantics as `RedisRateLimiter`; JavaScript runs each `hit` to completion, so it is atomic
 * without locks. Expired keys are swept while hits arrive, at most once per
 * `sweepIntervalMs`, so memory stays bounded by the keys active in the last two windows and
 * no timer keeps the process alive.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #quotas = new Map<string, { count: number; expiresAt: number }>();
  readonly #sweepIntervalMs: number;
  #nextSweepAt = 0;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  }

  async hit(key: string, limit: RateLimit, at: number = Date.now()): Promise<RateLimitDecision> {
    assertValidRateLimit(limit);
    return this.#hitNow(key, limit, at);
  }

  #hitNow(key: string, limit: RateLimit, at: number): RateLimitDecision {
    const now = Math.floor(at); // whole milliseconds, as in Redis
    if (now >= this.#nextSweepAt) this.#sweep(now);

    const { max, windowMs } = limit;
    if (max > QUOTA_THRESHOLD) return this.#quotaHit(key, limit, now);
    let entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.#entries.delete(key);
      entry = undefined;
    }
    const hits = entry?.hits ?? [];
    // Drop hits at or before now - windowMs: they have left the window.
    let expired = 0;
    while (expired < hits.length && (hits[expired] as number) <= now - windowMs) expired++;
    if (expired > 0) hits.splice(0, expired);

    if (hits.length < max) {
      // Keep ascending order even when a caller passes an out-of-order `now`.
      let at = hits.length;
      while (at > 0 && (hits[at - 1] as number) > now) at--;
      hits.splice(at, 0, now);
      this.#entries.set(key, { hits, expiresAt: now + 2 * windowMs });
      return { allowed: true, remaining: max - hits.length, retryAfterMs: 0, count: hits.length };
    }
    if (entry && hits.length === 0) this.#entries.delete(key);
    const oldest = hits[0];
    const retryAfterMs = oldest === undefined ? windowMs : Math.max(1, oldest + windowMs - now);
    return { allowed: false, remaining: 0, retryAfterMs, count: hits.length };
  }

  /** Fixed-window counter for quotas (rate-limiter.ts): one number per key and window. */
  #quotaHit(key: string, { max, windowMs }: RateLimit, now: number): RateLimitDecision {
    const { start, end } = quotaWindow(now, windowMs);
    const counterKey = `${key}#${start}`;
    const count = this.#quotas.get(counterKey)?.count ?? 0;
    if (count >= max) return { allowed: false, remaining: 0, retryAfterMs: end - now, count };
    this.#quotas.set(counterKey, { count: count + 1, expiresAt: end + windowMs });
    return { allowed: true, remaining: max - count - 1, retryAfterMs: 0, count: count + 1 };
  }

  async hitAll(hits: ReadonlyArray<{ key: string; limit: RateLimit }>, at: number = Date.now()): Promise<RateLimitDecision[]> {
    hits.forEach((h) => assertValidRateLimit(h.limit));
    const decisions: RateLimitDecision[] = [];
    // No await between the hits' bookkeeping: the sequence is atomic in one process.
    for (const { key, limit } of hits) {
      const decision = this.#hitNow(key, limit, at);
      decisions.push(decision);
      if (!decision.allowed) break;
    }
    return decisions;
  }

  /** Number of keys held; for tests and metrics. */
  get size(): number {
    return this.#entries.size + this.#quotas.size;
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
    for (const [key, quota] of this.#quotas) {
      if (quota.expiresAt <= now) this.#quotas.delete(key);
    }
    this.#nextSweepAt = now + this.#sweepIntervalMs;
  }
}
