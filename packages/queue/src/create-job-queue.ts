import { type JobOverrides, MemoryJobQueue, type WorkerJobQueue } from "@tengine/core";
import { BullJobQueue } from "./bull-job-queue.ts";

export type CreateJobQueueOptions = {
  /** `redis://…`: BullMQ; unset: in-process (one process). */
  redisUrl?: string | undefined;
  /** Prepended to every Redis key, e.g. `"tengine:"` (tests use a unique one). Default `"tengine:"`. */
  keyPrefix?: string;
  /** Changes attempts, backoff, timeout or schedule per job name (tests, operators). */
  overrides?: JobOverrides;
  /** Redis connection errors (the clients keep reconnecting). */
  onError?: (err: Error) => void;
};

/**
 * BullMQ when `redisUrl` is set (jobs survive restarts and are shared by every worker
 * replica), in-process otherwise (DESIGN §2 embedded default: jobs live in this process
 * only). Create one per process.
 */
export function createJobQueue(opts: CreateJobQueueOptions): WorkerJobQueue {
  return opts.redisUrl ? new BullJobQueue({ ...opts, redisUrl: opts.redisUrl }) : new MemoryJobQueue(opts);
}
