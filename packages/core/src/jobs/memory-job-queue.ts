import { randomUUID } from "node:crypto";
import { backoffDelayMs, type JobName, type JobOverrides, type JobPayload, JOB_NAMES, resolveJobDefinition } from "./job-catalog.ts";
import { JobPayloadError } from "./job-errors.ts";
import { assertJobId, type JobHandler, type JobHandlers, type WorkerJobQueue, type WorkOptions } from "./job-queue.ts";
import { parseJobPayload, runJobAttempt } from "./run-job-attempt.ts";

type Entry = { id: string; name: JobName; payload: unknown; attemptsMade: number };

/**
 * In-process job queue for one process (the embedded default): the same catalog, payload
 * validation, jobId dedupe, attempts, exponential backoff with jitter, timeouts and per-name
 * concurrency as the BullMQ queue, but jobs live in memory and are lost on exit. That is
 * acceptable because every job is either repeating maintenance or, for `approval.execute`,
 * backed by the `approval.sweep` job that finds approved calls in the database.
 */
export class MemoryJobQueue implements WorkerJobQueue {
  readonly kind = "memory" as const;
  readonly #overrides: JobOverrides | undefined;
  readonly #waiting = new Map<JobName, Entry[]>();
  readonly #delayed = new Map<NodeJS.Timeout, Entry>();
  readonly #active = new Map<JobName, Set<Promise<void>>>();
  /** ids of jobs waiting, delayed or running: what jobId dedupe looks at */
  readonly #pendingIds = new Set<string>();
  readonly #schedules = new Set<NodeJS.Timeout>();
  #handlers: JobHandlers | undefined;
  #onEvent: WorkOptions["onEvent"];
  #closing = false;

  constructor(opts: { overrides?: JobOverrides | undefined } = {}) {
    this.#overrides = opts.overrides;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    if (this.#closing) throw new Error("job queue is closed");
    const parsed = parseJobPayload(name, payload);
    if (opts.jobId !== undefined) assertJobId(opts.jobId);
    const id = opts.jobId ?? randomUUID();
    const key = `${name}/${id}`;
    if (this.#pendingIds.has(key)) return;
    this.#pendingIds.add(key);
    const entry: Entry = { id, name, payload: parsed, attemptsMade: 0 };
    if (opts.delayMs && opts.delayMs > 0) this.#delay(entry, opts.delayMs);
    else this.#push(entry);
  }

  async depth(): Promise<Record<JobName, number>> {
    const depth = Object.fromEntries(JOB_NAMES.map((n) => [n, 0])) as Record<JobName, number>;
    for (const [name, list] of this.#waiting) depth[name] += list.length;
    for (const entry of this.#delayed.values()) depth[entry.name] += 1;
    for (const [name, set] of this.#active) depth[name] += set.size;
    return depth;
  }

  async work(handlers: JobHandlers, options: WorkOptions = {}): Promise<void> {
    if (this.#handlers) throw new Error("work() was already called on this queue");
    this.#handlers = handlers;
    this.#onEvent = options.onEvent;
    for (const name of JOB_NAMES) this.#pump(name);
  }

  async schedule(name: JobName, everyMs?: number): Promise<void> {
    const every = everyMs ?? resolveJobDefinition(name, this.#overrides).repeatEveryMs;
    if (!every) throw new Error(`job ${name} has no repeat interval`);
    // One repeat id: a run still waiting or running when the next tick comes is not doubled.
    const tick = () => void this.enqueue(name, {} as JobPayload<typeof name>, { jobId: "repeat" }).catch(() => {});
    tick();
    const timer = setInterval(tick, every);
    timer.unref();
    this.#schedules.add(timer);
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const timer of this.#schedules) clearInterval(timer);
    this.#schedules.clear();
    // Delayed and waiting jobs die with the process, as they would on exit.
    for (const timer of this.#delayed.keys()) clearTimeout(timer);
    this.#delayed.clear();
    this.#waiting.clear();
    const active = [...this.#active.values()].flatMap((set) => [...set]);
    await Promise.allSettled(active);
  }

  #push(entry: Entry): void {
    let list = this.#waiting.get(entry.name);
    if (!list) this.#waiting.set(entry.name, (list = []));
    list.push(entry);
    this.#pump(entry.name);
  }

  #delay(entry: Entry, ms: number): void {
    const timer = setTimeout(() => {
      this.#delayed.delete(timer);
      this.#push(entry);
    }, ms);
    timer.unref();
    this.#delayed.set(timer, entry);
  }

  #pump(name: JobName): void {
    const handler = this.#handlers?.[name] as JobHandler<JobName> | undefined;
    if (!handler || this.#closing) return;
    const def = resolveJobDefinition(name, this.#overrides);
    let active = this.#active.get(name);
    if (!active) this.#active.set(name, (active = new Set()));
    const list = this.#waiting.get(name);
    while (list && list.length > 0 && active.size < def.concurrency) {
      const entry = list.shift() as Entry;
      const running: Promise<void> = this.#run(entry, handler).finally(() => {
        active.delete(running);
        this.#pump(name);
      });
      active.add(running);
    }
  }

  async #run(entry: Entry, handler: JobHandler<JobName>): Promise<void> {
    const def = resolveJobDefinition(entry.name, this.#overrides);
    entry.attemptsMade += 1;
    const key = `${entry.name}/${entry.id}`;
    try {
      await runJobAttempt(entry.name, def, handler, entry.payload, { jobId: entry.id, attempt: entry.attemptsMade }, this.#onEvent);
      this.#pendingIds.delete(key);
    } catch (err) {
      if (entry.attemptsMade < def.attempts && !(err instanceof JobPayloadError) && !this.#closing) {
        this.#delay(entry, backoffDelayMs(def.backoff, entry.attemptsMade));
      } else {
        this.#pendingIds.delete(key);
      }
    }
  }
}
