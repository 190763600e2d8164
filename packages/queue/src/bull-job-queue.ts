import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { assertJobId, type JobDefinition, type JobHandler, type JobHandlers, type JobName, type JobOverrides, type JobPayload, JOB_NAMES, JobPayloadError, parseJobPayload, resolveJobDefinition, runJobAttempt, type WorkerJobQueue, type WorkOptions } from "@tengine/core";

export type BullJobQueueOptions = {
  redisUrl: string;
  keyPrefix?: string | undefined;
  overrides?: JobOverrides | undefined;
  onError?: ((err: Error) => void) | undefined;
};

/** Finished jobs kept for inspection; completed ones are removed so a jobId can be reused. */
const KEEP_FAILED = { count: 1_000, age: 7 * 24 * 3600 } as const;

/**
 * BullMQ queue: one BullMQ queue per job name (so depth per name is one call and a slow
 * retention job never delays `approval.execute`), keys under `<keyPrefix>bull:`. Jobs survive
 * a worker restart: a job whose worker died is picked up again when its lock expires
 * (BullMQ stalled-job check), which is why every handler is idempotent.
 */
export class BullJobQueue implements WorkerJobQueue {
  readonly kind = "redis" as const;
  readonly #opts: BullJobQueueOptions;
  readonly #prefix: string;
  /** Producer connection: fails fast while Redis is down instead of queueing commands. */
  readonly #producer: Redis;
  #consumer: Redis | undefined;
  readonly #queues = new Map<JobName, Queue>();
  readonly #workers: Worker[] = [];
  #closed = false;

  constructor(opts: BullJobQueueOptions) {
    this.#opts = opts;
    this.#prefix = `${opts.keyPrefix ?? "tengine:"}bull`;
    this.#producer = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, connectionName: "tengine-jobs" });
    this.#producer.on("error", (err) => opts.onError?.(err));
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    if (this.#closed) throw new Error("job queue is closed");
    const parsed = parseJobPayload(name, payload);
    if (opts.jobId !== undefined) assertJobId(opts.jobId);
    const def = this.#def(name);
    // `add` with an existing jobId returns that job and adds nothing: the dedupe.
    await this.#queue(name).add(name, parsed, {
      ...jobOptions(def),
      ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
      ...(opts.delayMs ? { delay: opts.delayMs } : {}),
    });
  }

  async depth(): Promise<Record<JobName, number>> {
    const entries = await Promise.all(
      JOB_NAMES.map(async (name) => {
        const counts = await this.#queue(name).getJobCounts("waiting", "active", "delayed", "prioritized", "paused");
        return [name, Object.values(counts).reduce((a, b) => a + b, 0)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<JobName, number>;
  }

  async work(handlers: JobHandlers, options: WorkOptions = {}): Promise<void> {
    if (this.#consumer) throw new Error("work() was already called on this queue");
    // Workers need a connection that waits for Redis instead of failing (BullMQ requirement);
    // each Worker duplicates it for its blocking reads.
    this.#consumer = new Redis(this.#opts.redisUrl, { maxRetriesPerRequest: null, connectionName: "tengine-worker" });
    this.#consumer.on("error", (err) => this.#opts.onError?.(err));
    for (const name of JOB_NAMES) {
      const handler = handlers[name] as JobHandler<JobName> | undefined;
      if (!handler) continue;
      const def = this.#def(name);
      const worker = new Worker(
        name,
        async (job: Job, _token?: string, signal?: AbortSignal) => {
          try {
            return await runJobAttempt(name, def, handler, job.data, { jobId: job.id ?? "", attempt: job.attemptsMade + 1, outerSignal: signal }, options.onEvent);
          } catch (err) {
            // Retrying cannot fix a payload the schema refuses.
            if (err instanceof JobPayloadError) throw new UnrecoverableError(err.message);
            throw err;
          }
        },
        { connection: this.#consumer, prefix: this.#prefix, concurrency: def.concurrency, autorun: true },
      );
      worker.on("error", (err) => this.#opts.onError?.(err));
      this.#workers.push(worker);
    }
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
  }

  async schedule(name: JobName, everyMs?: number): Promise<void> {
    const def = this.#def(name);
    const every = everyMs ?? def.repeatEveryMs;
    if (!every) throw new Error(`job ${name} has no repeat interval`);
    // Upserting the same scheduler id from every worker replica keeps exactly one schedule.
    await this.#queue(name).upsertJobScheduler(name, { every }, { name, data: {}, opts: jobOptions(def) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Worker.close() stops fetching and waits for the active jobs to finish.
    await Promise.allSettled(this.#workers.map((w) => w.close()));
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
    for (const client of [this.#consumer, this.#producer]) {
      if (!client) continue;
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }

  #def(name: JobName): JobDefinition {
    return resolveJobDefinition(name, this.#opts.overrides);
  }

  #queue(name: JobName): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#producer, prefix: this.#prefix });
      queue.on("error", (err) => this.#opts.onError?.(err));
      this.#queues.set(name, queue);
    }
    return queue;
  }
}

function jobOptions(def: JobDefinition) {
  return {
    attempts: def.attempts,
    backoff: { type: "exponential", delay: def.backoff.delayMs, jitter: def.backoff.jitter },
    removeOnComplete: true,
    removeOnFail: KEEP_FAILED,
  } as const;
}

/** BullMQ refuses integer-like ids and ':'; refuse them the same way in both queues. */
