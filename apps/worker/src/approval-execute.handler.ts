import { executeApprovedRun, type PubSub, type ToolCallDeps } from "@tengine/core";

export type ApprovalDeps = ToolCallDeps & { pubsub?: PubSub };

/**
 * `approval.execute`: sends one approved call. Exactly once however often the job runs (a
 * retry, a stalled job picked up again, the sweep racing it): the approval row's claim decides.
 */
export async function handleApprovalExecute(deps: ApprovalDeps, payload: { approvalId: string }): Promise<{ executed: boolean; runId: string }> {
  return executeApprovedRun(deps, payload.approvalId);
}
