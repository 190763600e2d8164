import type { JobName, JobOverrides, JobPayload } from "./job-catalog.ts";

/**
 * The producer side of the job queue (STYLE 10): BullMQ in Redis when `REDIS_URL` is set
 * (packages/queue, since core never imports bullmq), in-process otherwise (the embedded
 * default, DESIGN §2). The dashboard only enqueues; the worker also consumes (see
 * `WorkerJobQueue`).
 */
export interface JobQueue {
  /**
   * Adds a job after validating its payload against the catalog (throws `JobPayloadError`
   * without echoing the payload). With `jobId`, a second enqueue while a job with that id is
   * waiting, delayed or running is a no-op.
   */
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: { jobId?: string; delayMs?: number }): Promise<void>;
  /** waiting + active + delayed jobs, for the queue-depth metric */
  depth(): Promise<Record<JobName, number>>;
  /** Stops taking jobs, waits for the running ones to finish, releases connections. */
  close(): Promise<void>;
}

export type JobContext = {
  jobId: string;
  /** 1 for the first try */
  attempt: number;
  /** Aborted when the attempt times out or the queue is force-closed. */
  signal: AbortSignal;
};

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** What happened to one attempt; for logs and metrics (never carries the payload). */
export type JobEvent =
  | { type: "started"; name: JobName; jobId: string; attempt: number }
  | { type: "completed"; name: JobName; jobId: string; attempt: number; durationMs: number; result: unknown }
  | { type: "failed"; name: JobName; jobId: string; attempt: number; durationMs: number; error: Error; timedOut: boolean; willRetry: boolean };

export type WorkOptions = {
  /** Told about every attempt; must not throw. */
  onEvent?: (event: JobEvent) => void;
};

/** The consumer side, used by the worker process. */
export interface WorkerJobQueue extends JobQueue {
  /** `"redis"`: shared by every process on the Redis; `"memory"`: this process only. */
  readonly kind: "redis" | "memory";
  /** Starts handling jobs of the names in `handlers`; call once. */
  work(handlers: JobHandlers, options?: WorkOptions): Promise<void>;
  /** Enqueues `name` (empty payload) every `everyMs` (default: the catalog's `repeatEveryMs`). Idempotent across processes. */
  schedule(name: JobName, everyMs?: number): Promise<void>;
}

/**
 * A job id both implementations accept (BullMQ refuses ':' and ids of only digits, which it
 * uses for its own generated ids).
 */
export function assertJobId(jobId: string): void {
  if (jobId.length === 0 || jobId.length > 200 || jobId.includes(":") || /^\d+$/.test(jobId)) {
    throw new Error("jobId must be 1-200 characters, not only digits, without ':'");
  }
}
