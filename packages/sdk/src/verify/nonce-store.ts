/**
 * Remembers signature nonces so a captured request cannot be replayed (RFC 9421 §7.2.2).
 *
 * `verifyRequest()` calls `checkAndStore` only after the signature has verified, so entries are
 * created by the gateway, never by an unauthenticated caller. Implementations must be atomic:
 * with several instances of your API, back it with a shared store, e.g. Redis
 * `SET <keyid>:<nonce> 1 PXAT <expiresAtMs> NX` and return whether the `SET` happened.
 */
export interface NonceStore {
  /**
   * Records the nonce for `keyid` until `expiresAtMs` (Unix milliseconds).
   * @returns `true` if it had not been seen (and is now stored), `false` if it is a replay.
   */
  checkAndStore(keyid: string, nonce: string, expiresAtMs: number): boolean | Promise<boolean>;
}

export interface MemoryNonceStoreOptions {
  /** Clock in Unix milliseconds. Default `Date.now`; use the same clock as `verifyRequest`'s `now`. */
  now?: () => number;
  /** How often expired entries are purged, in milliseconds. Default 30 000. */
  sweepIntervalMs?: number;
}

/**
 * A `NonceStore` in process memory, with expiry. Right for a single instance of your API; with
 * several instances a replay could reach another one, so use a shared store there.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();
  readonly #now: () => number;
  readonly #sweepIntervalMs: number;
  #nextSweepAt = 0;

  constructor(options: MemoryNonceStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
  }

  checkAndStore(keyid: string, nonce: string, expiresAtMs: number): boolean {
    const now = this.#now();
    this.#sweep(now);
    // NUL cannot occur in an RFC 8941 String, so the key is unambiguous.
    const key = `${keyid}\u0000${nonce}`;
    const expiresAt = this.#seen.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#seen.set(key, expiresAtMs);
    return true;
  }

  /** Number of remembered nonces, expired ones included until the next sweep. */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#sweepIntervalMs;
    for (const [key, expiresAt] of this.#seen) {
      if (expiresAt <= now) this.#seen.delete(key);
    }
  }
}
