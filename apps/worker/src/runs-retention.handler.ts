import { deleteOldRuns, type DeleteOldRunsResult } from "@tengine/core";
import type { Db } from "@tengine/db";

/**
 * `runs.retention`: deletes runs older than each project's `runRetentionDays` in batches of
 * 5,000 (short statements; the gateway keeps writing runs meanwhile). Stops early when the
 * job is aborted (timeout, shutdown); the next hourly run continues where this one stopped.
 */
export async function handleRunsRetention(deps: { db: Db }, opts: { now?: Date; signal?: AbortSignal; batchSize?: number } = {}): Promise<DeleteOldRunsResult> {
  return deleteOldRuns(deps.db, opts);
}
