import { type JobDefinition, type JobName, JOB_CATALOG } from "./job-catalog.ts";
import { JobPayloadError, JobTimeoutError } from "./job-errors.ts";
import type { JobEvent, JobHandler, WorkOptions } from "./job-queue.ts";

/** Parses a payload against the catalog; the error lists fields and problems, never values. */
export function parseJobPayload(name: JobName, payload: unknown): unknown {
  const result = JOB_CATALOG[name].payload.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
    throw new JobPayloadError(`invalid payload for job ${name}: ${problems}`);
  }
  return result.data;
}

/**
 * One attempt of one job, the same in both queue implementations: validates the payload,
 * runs the handler with an AbortSignal, fails it with `JobTimeoutError` after `timeoutMs`
 * (the handler is told through the signal; the attempt counts as failed at once) and reports
 * started / completed / failed to `onEvent`. Resolves with the handler's result or throws.
 */
export async function runJobAttempt(
  name: JobName,
  def: JobDefinition,
  handler: JobHandler<JobName>,
  payload: unknown,
  job: { jobId: string; attempt: number; outerSignal?: AbortSignal | undefined },
  onEvent: WorkOptions["onEvent"],
): Promise<unknown> {
  const emit = (event: JobEvent) => {
    try {
      onEvent?.(event);
    } catch {
      // observers must not break job handling
    }
  };
  const started = performance.now();
  emit({ type: "started", name, jobId: job.jobId, attempt: job.attempt });
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(job.outerSignal?.reason);
  job.outerSignal?.addEventListener("abort", onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  try {
    const parsed = parseJobPayload(name, payload);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const error = new JobTimeoutError(`job ${name} timed out after ${def.timeoutMs} ms`);
        // Reject before aborting: a handler that settles on abort must not win the race.
        reject(error);
        controller.abort(error);
      }, def.timeoutMs);
    });
    const result = await Promise.race([handler(parsed as never, { jobId: job.jobId, attempt: job.attempt, signal: controller.signal }), timeout]);
    emit({ type: "completed", name, jobId: job.jobId, attempt: job.attempt, durationMs: performance.now() - started, result });
    return result;
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    emit({
      type: "failed",
      name,
      jobId: job.jobId,
      attempt: job.attempt,
      durationMs: performance.now() - started,
      error,
      timedOut,
      // A bad payload will not get better by retrying.
      willRetry: job.attempt < def.attempts && !(error instanceof JobPayloadError),
    });
    throw error;
  } finally {
    clearTimeout(timer);
    job.outerSignal?.removeEventListener("abort", onOuterAbort);
  }
}
