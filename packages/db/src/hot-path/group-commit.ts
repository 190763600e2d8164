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
export class GroupCommit<T, R = void> {
  readonly #write: (items: T[]) => Promise<R[] | void>;
  readonly #isUnavailable: (error: unknown) => boolean;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: Array<Pending<T, R>> = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    /** writes (or reads) a group; a result per item, in order, when items have results */
    write: (items: T[]) => Promise<R[] | void>,
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

  /** Queues one item; resolves (with its result) when its group is committed. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
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

  async #flush(batch: Array<Pending<T, R>>) {
    try {
      const results = await this.#write(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results ? results[i]! : (undefined as R)));
    } catch (error) {
      if (batch.length === 1 || this.#isUnavailable(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(
        batch.map((entry) =>
          this.#write([entry.item]).then((results) => entry.resolve(results ? results[0]! : (undefined as R)), entry.reject),
        ),
      );
    }
  }
}

type Pending<T, R> = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
