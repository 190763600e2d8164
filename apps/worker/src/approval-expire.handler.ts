import { expireApprovals } from "@tengine/core";
import type { Db } from "@tengine/db";

/** `approval.expire`: pending approvals past their expiry become expired, their runs denied. */
export async function handleApprovalExpire(deps: { db: Db }, now = new Date()): Promise<{ expired: number }> {
  return { expired: await expireApprovals(deps.db, { now }) };
}
