/**
 * Rate limiting behind one small interface (STYLE.md 10), with a Redis implementation for
 * several gateway replicas and an in-process one for the embedded default (DESIGN.md §2).
 *
 * Algorithm: **sliding window log**. A key remembers the time of each *allowed* hit; a hit
 * at `now` is allowed when fewer than `max` allowed hits lie in `(now - windowMs, now]`.
 * This is exact: no burst of 2×max at a window boundary, the limit trips at precisely `max`,
 * and `retryAfterMs` is exactly when the oldest counted hit leaves the window. Refused hits
 * are not recorded, so a client that keeps hammering recovers as soon as its window has
 * passed. The cost is memory proportional to `max` per active key, which suits per-second to
 * per-hour call limits (up to some thousands).
 *
 * **Quotas** — a `max` above QUOTA_THRESHOLD (say 1,000,000 calls a day) — use a
 * **fixed-window counter** instead: one integer per key and window, windows aligned to the
 * epoch (a one-day window resets at 00:00 UTC), `retryAfterMs` = time to the next window.
 * Memory stays constant however large the quota; the price is the usual one of fixed windows
 * (up to 2×max across a boundary), which is what a quota means anyway.
 */
export interface RateLimiter {
  /**
   * Counts one hit on `key` if the limit allows it.
   * @param now Milliseconds since the epoch; defaults to the implementation's clock (the
   *   Redis server's clock for the Redis limiter, so that replicas with skewed clocks agree).
   *   Tests pass it to step through windows without sleeping.
   */
  hit(key: string, limit: RateLimit, now?: number): Promise<RateLimitDecision>;
  /**
   * Several hits in order, as one atomic step (one Redis round trip): each is counted like
   * `hit`, and the first refused one ends the sequence, so the result has one decision per
   * hit up to and including the first refusal. The per-call limits (project → principal →
   * tool) use it: three windows, one round trip.
   */
  hitAll(hits: ReadonlyArray<{ key: string; limit: RateLimit }>, now?: number): Promise<RateLimitDecision[]>;
}

/** Above this many hits per window a limit is counted as a quota (fixed window, O(1) memory). */
export const QUOTA_THRESHOLD = 10_000;

/** Start of the fixed window holding `now`, and its end. */
export function quotaWindow(now: number, windowMs: number): { start: number; end: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

export type RateLimit = {
  /** Hits allowed per window; a whole number ≥ 0 (0 refuses everything). */
  max: number;
  /** Window length in milliseconds; a whole number ≥ 1. */
  windowMs: number;
};

export type RateLimitDecision = {
  allowed: boolean;
  /** Hits still allowed in the window after this one. */
  remaining: number;
  /** 0 when allowed; otherwise milliseconds until a hit would be allowed again. */
  retryAfterMs: number;
  /** Hits counted in the window, including this one when it was allowed. */
  count: number;
};

/** Rejects limits that would make the algorithm meaningless; a caller bug, so it throws. */
export function assertValidRateLimit(limit: RateLimit): void {
  if (!Number.isSafeInteger(limit.max) || limit.max < 0) {
    throw new RangeError(`rate limit max must be a whole number >= 0, got ${limit.max}`);
  }
  if (!Number.isSafeInteger(limit.windowMs) || limit.windowMs < 1) {
    throw new RangeError(`rate limit windowMs must be a whole number >= 1, got ${limit.windowMs}`);
  }
}
