"use server";
import { APPROVAL_POLICIES, decideApproval, recordAudit, setApprovalPolicy, setApprovalWebhook } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withProjectRole } from "../action.ts";
import { getApprovalNotifiers, getSecretBox } from "../db.ts";

const decideSchema = z.object({
  approvalId: z.string().regex(/^apv_[0-9a-z]{26}$/, "Not an approval id"),
  decision: z.enum(["approve", "deny"]),
  reason: z.string().trim().max(500, "At most 500 characters").optional(),
});

/**
 * Approves or denies a pending call (member+; viewers never decide). Approved calls are run
 * by the worker, which picks them up within seconds; the decision and its reason are in the
 * audit log (core `decideApproval`).
 */
export const decideApprovalAction = withProjectRole("member", decideSchema, async (ctx, input) => {
  const decided = await decideApproval(ctx.db, {
    projectId: ctx.project.id,
    approvalId: input.approvalId,
    actor: { userId: ctx.user.id, email: ctx.user.email },
    role: ctx.role,
    decision: input.decision,
    ...(input.reason ? { reason: input.reason } : {}),
    ...getApprovalNotifiers(),
  });
  revalidatePath(`/projects/${ctx.project.slug}/approvals`);
  return { ok: true, message: decided.status === "approved" ? `Approved: run ${decided.runId} is being executed` : `Denied: run ${decided.runId} will not be sent` };
});

const POLICY_SAVED: Record<(typeof APPROVAL_POLICIES)[number], string> = {
  none: "Saved: only tools marked “requires approval” wait for a person.",
  destructive: "Saved: destructive tools wait for a person too.",
  non_read_only: "Saved: every tool that is not read-only waits for a person.",
};

/** Which calls wait for a person besides tools marked "requires approval" (admin+). */
export const setApprovalPolicyAction = withProjectRole("admin", z.object({ policy: z.enum(APPROVAL_POLICIES) }), async (ctx, input) => {
  const { after } = await setApprovalPolicy(ctx.db, { projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, role: ctx.role, policy: input.policy });
  revalidatePath(`/projects/${ctx.project.slug}/approvals`);
  return { ok: true, message: POLICY_SAVED[after] };
});

/**
 * The URL told about every new pending approval (admin+); empty removes it. The audit log keeps
 * the host only: the URL may be a credential (Slack's are).
 */
export const setApprovalWebhookAction = withProjectRole("admin", z.object({ url: z.string().trim().max(2000, "At most 2000 characters") }), async (ctx, input) => {
  const url = input.url || null;
  await setApprovalWebhook(ctx.db, getSecretBox(), ctx.project.id, url);
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: url ? "approval_webhook.set" : "approval_webhook.remove", targetType: "project", targetId: ctx.project.id, ...(url ? { details: { host: new URL(url).host } } : {}) });
  revalidatePath(`/projects/${ctx.project.slug}/approvals`);
  return { ok: true, message: url ? `New pending approvals are posted to ${new URL(url).host}.` : "Approval webhook removed." };
});
