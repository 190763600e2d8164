import type { Db } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import { approvalPageUrl } from "../approvals/approval-round-trip.ts";
import { queueEmail } from "./outbox.ts";

/**
 * For each new pending approval (not yet emailed), one email to each owner and admin of its
 * organization, linking to that approval on the project's approvals page (the same link an MCP
 * client of 2026-07-28 is given). The approval is claimed first
 * (emailedAt set by compare-and-set), so two workers never email it twice.
 */
export async function queueApprovalEmails(deps: { db: Db; secretBox: SecretBox; dashboardUrl?: string }, options: { limit?: number } = {}): Promise<number> {
  const pending = await deps.db.approval.findMany({ where: { status: "pending", emailedAt: null }, orderBy: { id: "asc" }, take: options.limit ?? 25, select: { id: true, runId: true, toolName: true, expiresAt: true, project: { select: { name: true, slug: true, orgId: true } } } });
  let queued = 0;
  for (const approval of pending) {
    const claimed = await deps.db.approval.updateMany({ where: { id: approval.id, emailedAt: null }, data: { emailedAt: new Date() } });
    if (claimed.count !== 1) continue;
    const admins = await deps.db.membership.findMany({ where: { orgId: approval.project.orgId, role: { in: ["owner", "admin"] } }, select: { user: { select: { email: true } } } });
    const link = approvalPageUrl(deps.dashboardUrl, approval.project.slug, approval.runId) ?? `the Approvals page of ${approval.project.name}`;
    for (const { user } of admins) {
      await queueEmail(deps.db, deps.secretBox, {
        kind: "approval",
        orgId: approval.project.orgId,
        to: user.email,
        subject: `Approval needed: ${approval.toolName} in ${approval.project.name}`,
        text: `A call to ${approval.toolName} in ${approval.project.name} is waiting for a person's decision.\n\nApprove or deny it: ${link}\n\nIt expires at ${approval.expiresAt.toISOString()} if nobody decides.\n`,
      });
      queued++;
    }
  }
  return queued;
}
