/** Retry timing for upstream calls (DESIGN §7 step 10). */

export const BACKOFF_BASE_MS = 100;
export const BACKOFF_CAP_MS = 2_000;
export const RETRY_AFTER_CAP_MS = 10_000;

/** Statuses worth another attempt: overloaded or a gateway in front of the upstream failed. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Statuses whose `Retry-After` we honour (RFC 9110 §10.2.3 lets 503 and 429 carry it). */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(attempt−1))], where
 * `attempt` is the number of the attempt that just failed (1-based).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` as a delay in ms (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), capped at
 * {@link RETRY_AFTER_CAP_MS}; `undefined` when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, RETRY_AFTER_CAP_MS);
  // All three HTTP-date formats name the month; this keeps Date.parse's leniency ("-5", "1.5") out.
  const date = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
}
