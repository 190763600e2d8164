"use server";
import { addMember, addMemberInput, changeMemberRole, createInvitation, createInvitationInput, invitationEmail, memberAudit, queueEmail, recordAudit, removeMember, revokeInvitation, ROLES } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, withOrgRole } from "../action.ts";
import { dashboardConfig } from "../env.ts";
import { getSecretBox } from "../db.ts";

const membershipId = z.string().regex(/^mem_[0-9a-z]+$/, "unknown member");

/**
 * Adds a person by email (admin; only owners may add admins and owners). A new account gets a
 * temporary password, returned once so the admin can hand it over.
 */
export const addMemberAction = withOrgRole(
  "admin",
  addMemberInput.extend({ name: z.string().trim().max(100).optional().or(z.literal("").transform(() => undefined)) }),
  async (ctx, input): Promise<ActionResult<{ email: string; role: string; userCreated: boolean; temporaryPassword?: string }>> => {
    const result = await addMember(ctx.db, ctx.org.id, ctx.role, input);
    await recordAudit(ctx.db, { orgId: ctx.org.id, actor: { userId: ctx.user.id, email: ctx.user.email }, ...memberAudit.add(result.member, result.userCreated) });
    revalidatePath("/org/members");
    return { ok: true, data: { email: result.member.email, role: result.member.role, userCreated: result.userCreated, ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}) } };
  },
);

/** Gives a member another role (admin for members and viewers; owner for anyone). */
export const changeMemberRoleAction = withOrgRole("admin", z.object({ membershipId, role: z.enum(ROLES) }), async (ctx, input) => {
  const { member, previousRole } = await changeMemberRole(ctx.db, ctx.org.id, ctx.role, input.membershipId, input.role);
  const entry = memberAudit.roleChange(member, previousRole);
  if (entry) await recordAudit(ctx.db, { orgId: ctx.org.id, actor: { userId: ctx.user.id, email: ctx.user.email }, ...entry });
  revalidatePath("/org/members");
  return { ok: true, message: `${member.email} is now ${member.role === "admin" || member.role === "owner" ? "an" : "a"} ${member.role}.` };
});

/** Takes a person out of the organization (same rules; never the last owner). */
export const removeMemberAction = withOrgRole("admin", z.object({ membershipId }), async (ctx, input) => {
  const member = await removeMember(ctx.db, ctx.org.id, ctx.role, input.membershipId);
  await recordAudit(ctx.db, { orgId: ctx.org.id, actor: { userId: ctx.user.id, email: ctx.user.email }, ...memberAudit.remove(member) });
  revalidatePath("/org/members");
  return { ok: true, message: `${member.email} was removed.` };
});

/**
 * An invitation by link (admin; only owners invite admins and owners). The link is returned this
 * once for the admin to send; it works for 7 days, once. No email is sent.
 */
/**
 * Creates an invitation link (admin). With SMTP configured the link is also emailed to the
 * person (queued in the outbox; the worker sends it); the admin always sees it once, to pass
 * it on another way if the email does not arrive.
 */
export const createInvitationAction = withOrgRole("admin", createInvitationInput, async (ctx, input): Promise<ActionResult<{ email: string; role: string; link: string; emailed: boolean }>> => {
  const { invitation, token } = await createInvitation(ctx.db, ctx.org.id, { role: ctx.role, userId: ctx.user.id }, input);
  const link = `${dashboardConfig().dashboardUrl}/invite/${token}`;
  const emailed = !!dashboardConfig().smtp;
  if (emailed) {
    const mail = invitationEmail({ orgName: ctx.org.name, link, role: invitation.role, ...(ctx.user.email ? { invitedBy: ctx.user.email } : {}), expiresAt: invitation.expiresAt });
    await queueEmail(ctx.db, getSecretBox(), { kind: "invitation", orgId: ctx.org.id, to: invitation.email, ...mail });
  }
  await recordAudit(ctx.db, { orgId: ctx.org.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: "invitation.create", targetType: "invitation", targetId: invitation.id, details: { email: invitation.email, role: invitation.role, emailed } });
  revalidatePath("/org/members");
  return { ok: true, data: { email: invitation.email, role: invitation.role, link, emailed } };
});

/** Withdraws an open invitation (admin): its link stops working at once. */
export const revokeInvitationAction = withOrgRole("admin", z.object({ invitationId: z.string().regex(/^inv_[0-9a-z]+$/, "unknown invitation") }), async (ctx, input) => {
  const { email } = await revokeInvitation(ctx.db, ctx.org.id, input.invitationId);
  await recordAudit(ctx.db, { orgId: ctx.org.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: "invitation.revoke", targetType: "invitation", targetId: input.invitationId, details: { email } });
  revalidatePath("/org/members");
  return { ok: true, message: `The invitation for ${email} was withdrawn.` };
});
