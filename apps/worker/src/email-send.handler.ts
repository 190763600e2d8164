import { deliverEmails, pruneEmails, queueApprovalEmails, type SendEmail } from "@tengine/core";
import type { Db } from "@tengine/db";
import type { SecretBox } from "@tengine/core";

/**
 * `email.send`: with SMTP configured, new pending approvals become emails to their
 * organization's owners and admins, then the outbox is delivered (invitations included).
 * Without SMTP it does nothing: nothing is queued either (the dashboard shows links instead).
 * Messages sent (or given up) over a week ago are deleted.
 */
export async function handleEmailSend(deps: { db: Db; secretBox: SecretBox; send?: SendEmail; dashboardUrl?: string }): Promise<{ queued: number; sent: number; failed: number; pruned: number } | { smtp: "not configured" }> {
  if (!deps.send) return { smtp: "not configured" };
  const queued = await queueApprovalEmails({ db: deps.db, secretBox: deps.secretBox, ...(deps.dashboardUrl ? { dashboardUrl: deps.dashboardUrl } : {}) });
  const { sent, failed } = await deliverEmails({ db: deps.db, secretBox: deps.secretBox, send: deps.send });
  const pruned = await pruneEmails(deps.db);
  return { queued, sent, failed, pruned };
}
