/**
 * Fan-out messaging behind one small interface (STYLE.md 10): cache invalidation and
 * revocation reach every gateway replica through Redis; the in-process implementation serves
 * the embedded default, where there is only one process (DESIGN.md §2).
 *
 * Delivery is at most once and asynchronous: `publish` resolves once the message is handed
 * over, and handlers run later, never inside `publish`. A subscriber that is disconnected
 * when a message is published misses it, so consumers that must not miss anything (a cache
 * of revoked keys) should also drop their state when the connection comes back.
 */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `handler` for every message on `channel` until the returned function is called.
   * Resolves once the subscription is active: a message published afterwards is delivered.
   */
  subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>>;
  /** Drops every subscription and releases connections; the instance is unusable after. */
  close(): Promise<void>;
}

export type PubSubHandler = (message: string) => void;

/** Reports an exception thrown by a handler; it never reaches the publisher or other handlers. */
export type PubSubErrorReporter = (err: unknown, channel: string) => void;
