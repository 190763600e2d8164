import { EventEmitter } from "node:events";
import type { PubSub, PubSubErrorReporter, PubSubHandler } from "./pub-sub.ts";

export type MemoryPubSubOptions = {
  /** Called when a handler throws; by default the error is dropped. */
  onHandlerError?: PubSubErrorReporter;
};

/**
 * In-process pub/sub for a single process (the embedded default). Messages go through an
 * EventEmitter in a microtask, so, as with Redis, handlers never run inside `publish`.
 */
export class MemoryPubSub implements PubSub {
  readonly #emitter = new EventEmitter();
  readonly #onHandlerError: PubSubErrorReporter;
  #closed = false;

  constructor(options: MemoryPubSubOptions = {}) {
    this.#emitter.setMaxListeners(0);
    this.#onHandlerError = options.onHandlerError ?? (() => {});
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    queueMicrotask(() => this.#emitter.emit(channel, message));
  }

  async subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>> {
    this.#assertOpen();
    const listener = (message: string) => {
      try {
        handler(message);
      } catch (err) {
        this.#onHandlerError(err, channel);
      }
    };
    this.#emitter.on(channel, listener);
    return async () => {
      this.#emitter.off(channel, listener);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#emitter.removeAllListeners();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("MemoryPubSub is closed");
  }
}
