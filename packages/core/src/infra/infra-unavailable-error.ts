/**
 * Thrown by a Redis-backed infrastructure implementation when Redis cannot answer right now
 * (refused, timed out, reconnecting, loading, read-only replica...). It is thrown quickly
 * rather than queued, so that the caller decides what an outage means for its request: a rate
 * limit can fail open or closed per project, a cache invalidation can be retried or logged.
 *
 * Anything else a Redis implementation throws is a broken invariant (a bug), not an outage.
 */
export class InfraUnavailableError extends Error {
  override readonly name = "InfraUnavailableError";
  /** Which capability failed, e.g. `"rate-limiter"` or `"pub-sub"`. */
  readonly capability: string;

  constructor(capability: string, message: string, options?: { cause?: unknown }) {
    super(`${capability}: ${message}`, options);
    this.capability = capability;
  }
}

export function isInfraUnavailableError(err: unknown): err is InfraUnavailableError {
  return err instanceof InfraUnavailableError;
}
