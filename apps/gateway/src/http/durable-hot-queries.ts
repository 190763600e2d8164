import { HotQueries, type RunInsert, type RunWrite } from "@tengine/db";
import { isDatabaseUnavailable } from "./database-unavailable.ts";

export type DurableWritesOptions = {
  /** how long a write after the upstream answered keeps retrying while Postgres is down */
  retryForMs?: number;
  /** told once per write that had to wait for the database */
  onWait?: (what: "run" | "idempotency_settle", error: unknown) => void;
};

/**
 * The hot queries with the two writes that follow an upstream call — settling the
 * idempotency key and recording the run — retried while Postgres is unreachable (bounded).
 * The upstream has already acted by then: giving up at once would leave an executed call
 * without a run and its key in flight. With the retry, a database restart of a few seconds
 * only delays the answer, and a retried call with the same key replays the stored result.
 */
export class DurableHotQueries extends HotQueries {
  readonly #retryForMs: number;
  readonly #onWait: DurableWritesOptions["onWait"];

  constructor(pool: ConstructorParameters<typeof HotQueries>[0], named: boolean, options: DurableWritesOptions = {}) {
    super(pool, named, { isUnavailable: isDatabaseUnavailable });
    this.#retryForMs = options.retryForMs ?? 30_000;
    this.#onWait = options.onWait;
  }

  override async insertRun(run: RunInsert): Promise<void> {
    await this.#retryingInsert(() => super.insertRun(run));
  }

  /** A group of runs (with their keys' settles) is one statement: committed all or nothing. */
  override async writeRuns(writes: RunWrite[], replace = false): Promise<void> {
    await this.#retryingInsert(() => super.writeRuns(writes, replace));
  }

  async #retryingInsert(insert: () => Promise<void>) {
    let failedBefore = false;
    await this.#retrying("run", async () => {
      try {
        await insert();
      } catch (error) {
        // The statement may have committed just before the connection died: the runs are there.
        if (failedBefore && (error as { code?: unknown }).code === "23505") return;
        failedBefore = true;
        throw error;
      }
    });
  }

  override async settleIdempotencyKey(id: string, runId: string, state: "completed" | "retryable", result: unknown): Promise<boolean> {
    return this.#retrying("idempotency_settle", () => super.settleIdempotencyKey(id, runId, state, result));
  }

  async #retrying<T>(what: "run" | "idempotency_settle", write: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#retryForMs;
    let delay = 100;
    let told = false;
    for (;;) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() + delay > deadline) throw error;
        if (!told) {
          told = true;
          this.#onWait?.(what, error);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }
}
