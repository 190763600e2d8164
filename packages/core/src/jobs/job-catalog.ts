import { z } from "zod";

/**
 * How a job is retried: exponential backoff, `delayMs · 2^(attempt-1)` after the attempt-th
 * failure, lowered by up to `jitter` (0..1) at random so that many failing jobs do not retry
 * in lockstep (same formula as BullMQ's built-in "exponential" strategy).
 */
export type JobBackoff = { delayMs: number; jitter: number };

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  /** Validated at enqueue and again before the handler runs. Ids only: never secrets or arguments. */
  payload: S;
  /** Total tries, the first one included. */
  attempts: number;
  backoff: JobBackoff;
  /** An attempt running longer counts as failed (its AbortSignal fires). */
  timeoutMs: number;
  /** Jobs of this name handled at once per worker process. */
  concurrency: number;
  /** Maintenance jobs: enqueued every `repeatEveryMs` by the worker (BullMQ job scheduler / timer). */
  repeatEveryMs?: number;
};

const empty = z.object({}).strict();
const approvalId = z.string().regex(/^apv_[0-9a-z]{26}$/, "approvalId must be an approval id (apv_…)");

/**
 * Every job the worker knows (DESIGN §2, STYLE 11). Payloads carry ids only; a handler reads
 * what it needs from the database, so a job in Redis never holds a secret or a tool's arguments.
 */
export const JOB_CATALOG = {
  /** Executes one approved call exactly once (the claim lives in the Approval row). */
  "approval.execute": {
    payload: z.object({ approvalId }).strict(),
    attempts: 5,
    backoff: { delayMs: 1_000, jitter: 0.5 },
    // A tool may time out after 120 s per attempt; the claim's lease protects a slower one.
    timeoutMs: 10 * 60_000,
    concurrency: 8,
  },
  /** Safety net for approval.execute: finds approved, unexecuted approvals (or expired leases). */
  "approval.sweep": { payload: empty, attempts: 1, backoff: { delayMs: 1_000, jitter: 0.5 }, timeoutMs: 10 * 60_000, concurrency: 1, repeatEveryMs: 2_000 },
  /** Tells each project's approval webhook about new pending approvals (retried with backoff). */
  "approval.notify": { payload: empty, attempts: 1, backoff: { delayMs: 1_000, jitter: 0.5 }, timeoutMs: 5 * 60_000, concurrency: 1, repeatEveryMs: 5_000 },
  /** Emails waiting in the outbox (invitations, new pending approvals) go out through SMTP, when it is configured. */
  "email.send": { payload: empty, attempts: 1, backoff: { delayMs: 1_000, jitter: 0.5 }, timeoutMs: 5 * 60_000, concurrency: 1, repeatEveryMs: 5_000 },
  /** Marks pending approvals past their expiry as expired. */
  "approval.expire": { payload: empty, attempts: 3, backoff: { delayMs: 5_000, jitter: 0.5 }, timeoutMs: 60_000, concurrency: 1, repeatEveryMs: 60_000 },
  /** Deletes runs older than their project's `runRetentionDays`, in small batches. */
  "runs.retention": { payload: empty, attempts: 3, backoff: { delayMs: 30_000, jitter: 0.5 }, timeoutMs: 30 * 60_000, concurrency: 1, repeatEveryMs: 60 * 60_000 },
  /** Deletes idempotency records past their 24 h expiry. */
  "idempotency.retention": { payload: empty, attempts: 3, backoff: { delayMs: 30_000, jitter: 0.5 }, timeoutMs: 5 * 60_000, concurrency: 1, repeatEveryMs: 10 * 60_000 },
  /** Deletes used member-assertion ids whose assertion has expired. */
  "assertion-jti.retention": { payload: empty, attempts: 3, backoff: { delayMs: 30_000, jitter: 0.5 }, timeoutMs: 5 * 60_000, concurrency: 1, repeatEveryMs: 10 * 60_000 },
  /** Deletes expired OAuth authorization requests, used or expired codes and expired refresh tokens. */
  "oauth.cleanup": { payload: empty, attempts: 3, backoff: { delayMs: 30_000, jitter: 0.5 }, timeoutMs: 5 * 60_000, concurrency: 1, repeatEveryMs: 10 * 60_000 },
  /** Deletes failed dashboard sign-ins older than a day (they only count for 15 minutes). */
  "sign-in-attempts.retention": { payload: empty, attempts: 3, backoff: { delayMs: 30_000, jitter: 0.5 }, timeoutMs: 5 * 60_000, concurrency: 1, repeatEveryMs: 60 * 60_000 },
  /** Aggregates closed 10-minute buckets of runs into UsageRollup for the dashboard charts. */
  "usage.rollup": { payload: empty, attempts: 3, backoff: { delayMs: 10_000, jitter: 0.5 }, timeoutMs: 10 * 60_000, concurrency: 1, repeatEveryMs: 60_000 },
} as const satisfies Record<string, JobDefinition>;

export type JobCatalog = typeof JOB_CATALOG;
export type JobName = keyof JobCatalog;
export type JobPayload<N extends JobName> = z.infer<JobCatalog[N]["payload"]>;
export const JOB_NAMES = Object.keys(JOB_CATALOG) as JobName[];

/** Per-name changes to attempts, backoff, timeout or schedule (tests, operators). */
export type JobOverrides = Partial<Record<JobName, Partial<Omit<JobDefinition, "payload">>>>;

export function resolveJobDefinition(name: JobName, overrides?: JobOverrides): JobDefinition {
  const base: JobDefinition = JOB_CATALOG[name];
  const override = overrides?.[name];
  return override ? { ...base, ...override } : base;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_CATALOG, name);
}

/** Delay before try number `attempt + 1` after `attempt` failed tries (1-based). */
export function backoffDelayMs(backoff: JobBackoff, attempt: number, random: () => number = Math.random): number {
  const max = Math.round(2 ** (attempt - 1) * backoff.delayMs);
  if (backoff.jitter <= 0) return max;
  const min = max * (1 - backoff.jitter);
  return Math.floor(random() * max * backoff.jitter + min);
}
