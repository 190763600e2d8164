import type { Db } from "@tengine/db";
import { readApprovalIdempotency, releaseApprovalClaim } from "./approval-claim.ts";

/**
 * Pending approvals past their expiry become `expired` and their runs `denied` with the error
 * "approval expired" (nothing was sent; the idempotency key is freed). Returns how many.
 */
export async function expireApprovals(db: Db, options: { now: Date; limit?: number }): Promise<number> {
  const due = await db.approval.findMany({
    where: { status: "pending", expiresAt: { lte: options.now } },
    orderBy: { expiresAt: "asc" },
    take: options.limit ?? 500,
    select: { id: true, runId: true, projectId: true, idempotency: true },
  });
  let expired = 0;
  for (const approval of due) {
    const done = await db.$transaction(async (tx) => {
      // A decision that lands at the same moment wins or loses atomically.
      const { count } = await tx.approval.updateMany({ where: { id: approval.id, status: "pending" }, data: { status: "expired" } });
      if (count !== 1) return false;
      await tx.run.updateMany({
        where: { id: approval.runId, projectId: approval.projectId, status: "pending" },
        data: { status: "denied", error: "approval expired", finishedAt: options.now },
      });
      await releaseApprovalClaim(tx, readApprovalIdempotency(approval.idempotency), approval.runId);
      return true;
    });
    if (done) expired++;
  }
  return expired;
}
