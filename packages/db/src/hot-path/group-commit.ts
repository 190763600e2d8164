/**
 * Group commit: items queued while earlier batches are being written go out together in the
 * next batch — one statement, one round trip, one commit for all of them. Nothing waits for a
 * timer: with nothing in flight an item is written at once (a single caller pays no delay),
 * and under load the batch is whatever queued up during the previous write. Every `add`
 * resolves only when the batch holding its item has committed, and rejects when it failed, so
 * a caller that answers after `add` never acknowledges what is not durable.
 *
 * When a batch of several items fails for a reason other than the database being unreachable
 * (a constraint one row breaks), its items are written one by one, so one bad item fails only
 * its own caller.
 */
export class GroupCommit<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #isUnavailable: (error: unknown) => boolean;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    write: (items: T[]) => Promise<void>,
    options: {
      /** items per statement at most (default 200) */
      maxBatch?: number;
      /** batches written at the same time at most (default 2): later items queue behind them */
      maxInFlight?: number;
      /** errors that mean "the database is unreachable": a batch is not retried item by item for these */
      isUnavailable?: (error: unknown) => boolean;
    } = {},
  ) {
    this.#write = write;
    this.#maxBatch = options.maxBatch ?? 200;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#isUnavailable = options.isUnavailable ?? (() => false);
  }

  /** Queues one item; resolves when it is committed. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      // Items added in the same tick (a JSON-RPC batch, replies settling together) share a batch.
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump() {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#flush(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #flush(batch: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }>) {
    try {
      await this.#write(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1 || this.#isUnavailable(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(
        batch.map((entry) =>
          this.#write([entry.item]).then(entry.resolve, entry.reject),
        ),
      );
    }
  }
}
