import { sweepApprovedRuns } from "@tengine/core";
import type { ApprovalDeps } from "./approval-execute.handler.ts";

/** Approvals taken per sweep; the next sweep (2 s later) takes the rest. */
export const SWEEP_LIMIT = 25;

/**
 * `approval.sweep`: executes approved calls that no `approval.execute` job took: in the
 * embedded default the dashboard cannot reach this process's queue, and with Redis a job can
 * be lost; a claim whose worker died is taken over after its lease.
 */
export async function handleApprovalSweep(deps: ApprovalDeps): Promise<{ executed: number }> {
  return { executed: await sweepApprovedRuns(deps, { limit: SWEEP_LIMIT }) };
}
