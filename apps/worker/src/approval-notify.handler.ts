import { type NotifyDeps, notifyPendingApprovals } from "@tengine/core";

/** Approvals told about per run; the next run (5 s later) takes the rest. */
export const NOTIFY_LIMIT = 25;

/** `approval.notify`: each project's webhook hears of its new pending approvals, once each. */
export async function handleApprovalNotify(deps: NotifyDeps): Promise<{ sent: number; failed: number }> {
  return notifyPendingApprovals(deps, { limit: NOTIFY_LIMIT });
}
