import type { Redis } from "ioredis";
import { withRedis } from "./create-redis-client.ts";
import type { PubSub, PubSubErrorReporter, PubSubHandler } from "./pub-sub.ts";

export type RedisPubSubOptions = {
  /** Publishing client from `createRedisClient`; the caller owns it and closes it. */
  redis: Redis;
  /** Prepended to every channel name, e.g. `"tengine:"`. */
  keyPrefix: string;
  /** Called when a handler throws; by default the error is dropped. */
  onHandlerError?: PubSubErrorReporter;
  /** Called each time the subscriptions are back after the subscriber connection dropped. */
  onResubscribed?: () => void;
};

/**
 * Redis pub/sub. A connection in subscriber mode can run nothing but (UN)SUBSCRIBE, so
 * messages are received on a second connection (a `duplicate()` of the given client, with
 * the same fail-fast options) that this instance owns. One Redis subscription per channel
 * however many handlers. After a reconnect the subscriptions are issued again, and
 * `onResubscribed` lets a consumer drop caches that may have missed messages meanwhile.
 *
 * `publish` and `subscribe` throw `InfraUnavailableError` quickly when Redis cannot answer.
 */
export class RedisPubSub implements PubSub {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #keyPrefix: string;
  readonly #onHandlerError: PubSubErrorReporter;
  readonly #handlers = new Map<string, Set<PubSubHandler>>();
  #closed = false;

  constructor(options: RedisPubSubOptions) {
    this.#publisher = options.redis;
    this.#keyPrefix = options.keyPrefix;
    this.#onHandlerError = options.onHandlerError ?? (() => {});
    const name = options.redis.options.connectionName;
    this.#subscriber = options.redis.duplicate({
      // Resubscribing is done below from this instance's own handler table, so a channel
      // unsubscribed while the connection was down is not resubscribed.
      autoResubscribe: false,
      lazyConnect: true,
      ...(name ? { connectionName: `${name}-sub` } : {}),
    });
    this.#subscriber.on("error", () => {}); // reconnects on its own; failures surface per call
    let readyBefore = false;
    this.#subscriber.on("ready", () => {
      if (!readyBefore) {
        readyBefore = true;
        return;
      }
      const channels = [...this.#handlers.keys()];
      const resubscribed = channels.length > 0 ? this.#subscriber.subscribe(...channels) : Promise.resolve(0);
      resubscribed.then(
        () => options.onResubscribed?.(),
        () => {}, // the connection dropped again; the next "ready" retries
      );
    });
    this.#subscriber.on("message", (prefixed: string, message: string) => this.#dispatch(prefixed, message));
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    await withRedis(this.#publisher, "pub-sub", () => this.#publisher.publish(this.#keyPrefix + channel, message));
  }

  async subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>> {
    this.#assertOpen();
    const prefixed = this.#keyPrefix + channel;
    // Each subscription gets its own wrapper, so the same function subscribed twice is two
    // subscriptions and unsubscribing one leaves the other.
    const entry: PubSubHandler = (message) => handler(message);
    let set = this.#handlers.get(prefixed);
    if (!set) {
      set = new Set();
      this.#handlers.set(prefixed, set);
      set.add(entry);
      try {
        // Commands on one connection run in order, so a concurrent UNSUBSCRIBE of this
        // channel sent earlier cannot overtake this SUBSCRIBE.
        await withRedis(this.#subscriber, "pub-sub", () => this.#subscriber.subscribe(prefixed));
      } catch (err) {
        set.delete(entry);
        if (set.size === 0 && this.#handlers.get(prefixed) === set) this.#handlers.delete(prefixed);
        throw err;
      }
    } else {
      set.add(entry);
    }

    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      const current = this.#handlers.get(prefixed);
      if (!current?.delete(entry) || current.size > 0) return;
      this.#handlers.delete(prefixed);
      if (this.#closed || this.#subscriber.status !== "ready") return; // nothing to tell Redis
      await withRedis(this.#subscriber, "pub-sub", () => this.#subscriber.unsubscribe(prefixed));
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    if (this.#subscriber.status === "ready") {
      await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
    } else {
      this.#subscriber.disconnect();
    }
  }

  #dispatch(prefixed: string, message: string): void {
    const set = this.#handlers.get(prefixed);
    if (!set) return;
    const channel = prefixed.slice(this.#keyPrefix.length);
    for (const handler of [...set]) {
      try {
        handler(message);
      } catch (err) {
        this.#onHandlerError(err, channel);
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("RedisPubSub is closed");
  }
}
