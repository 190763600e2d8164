import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { type ApprovalView, toApprovalView } from "./list-approvals.ts";

/**
 * One approval of the project as the approvals page shows it (arguments, the redacted request,
 * who called, the decision). Another project's approval is not found.
 */
export async function getApproval(db: Db, projectId: string, approvalId: string): Promise<ApprovalView> {
  const approval = await db.approval.findFirst({ where: { id: approvalId, projectId } });
  if (!approval) throw new AppError("not_found", `approval "${approvalId}" not found`);
  const run = await db.run.findFirst({
    where: { id: approval.runId, projectId },
    select: { id: true, request: true, status: true, error: true, principalKind: true, apiKeyId: true, memberId: true, memberEmail: true, userId: true, clientId: true },
  });
  const view = toApprovalView(approval, run ?? undefined);
  if (!view) throw new AppError("not_found", `approval "${approvalId}" has neither a readable caller nor its run`);
  return view;
}
