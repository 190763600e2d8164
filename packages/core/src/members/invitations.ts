import type { z } from "zod";
import { type Db, isUniqueViolation } from "@tengine/db";
import type { Role } from "../access/roles.ts";
import { randomBase62, sha256Hex } from "../crypto/hash.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { hashPassword } from "../users/password.ts";
import { signUpInput } from "../users/sign-up.ts";
import { addMemberInput } from "./add-member.ts";
import { assertMayManage } from "./member-rules.ts";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The email and role of an invitation: the rules of adding a member directly. */
export const createInvitationInput = addMemberInput.pick({ email: true, role: true });

export type InvitationView = { id: string; email: string; role: Role; createdAt: Date; expiresAt: Date };

/**
 * An invitation to the organization by link, for one email and role (only owners invite admins
 * and owners, as when adding a member). The token is returned once, for the link; only its
 * SHA-256 is stored. An email that is already a member is refused.
 */
export async function createInvitation(db: Db, orgId: string, actor: { role: Role; userId?: string }, raw: z.input<typeof createInvitationInput>, now = new Date()): Promise<{ invitation: InvitationView; token: string }> {
  const input = createInvitationInput.parse(raw);
  assertMayManage(actor.role, null, input.role);
  const member = await db.membership.findFirst({ where: { orgId, user: { email: input.email } }, select: { id: true } });
  if (member) throw new AppError("conflict", `${input.email} is already a member of this organization`);
  const token = randomBase62(24);
  const row = await db.invitation.create({
    data: { id: newId("invitation"), orgId, email: input.email, role: input.role, tokenHash: sha256Hex(token), invitedByUserId: actor.userId ?? null, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
  });
  return { invitation: row as InvitationView, token };
}

/** The organization's invitations still open (not accepted, revoked or expired), newest first. */
export function listOpenInvitations(db: Db, orgId: string, now = new Date()): Promise<InvitationView[]> {
  return db.invitation.findMany({ where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" }, select: { id: true, email: true, role: true, createdAt: true, expiresAt: true } }) as Promise<InvitationView[]>;
}

/** Withdraws an open invitation of this organization; its link stops working at once. */
export async function revokeInvitation(db: Db, orgId: string, invitationId: string): Promise<{ email: string }> {
  const row = await db.invitation.findFirst({ where: { id: invitationId, orgId, acceptedAt: null, revokedAt: null }, select: { id: true, email: true } });
  if (!row) throw new AppError("not_found", "invitation not found (or no longer open)");
  await db.invitation.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
  return { email: row.email };
}

/** What an invitation link shows: for whom, to which organization, and whether the email already has an account. */
export async function readInvitation(db: Db, token: string, now = new Date()) {
  const row = await db.invitation.findUnique({ where: { tokenHash: sha256Hex(token) }, select: { id: true, email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, org: { select: { id: true, name: true, slug: true } } } });
  if (!row) return { state: "unknown" as const };
  if (row.acceptedAt) return { state: "accepted" as const, org: row.org };
  if (row.revokedAt) return { state: "revoked" as const, org: row.org };
  if (row.expiresAt <= now) return { state: "expired" as const, org: row.org };
  const account = await db.user.findUnique({ where: { email: row.email }, select: { id: true } });
  return { state: "open" as const, id: row.id, email: row.email, role: row.role as Role, org: row.org, hasAccount: !!account };
}

/**
 * Accepts an invitation, once: a new account (name and password, the sign-up rule) when the
 * email has none; otherwise only the person signed in with that email may accept it. Either way
 * the membership is created with the invited role.
 */
export async function acceptInvitation(db: Db, token: string, how: { newAccount: { name?: string; password: string } } | { signedInUserId: string }, now = new Date()): Promise<{ userId: string; email: string; org: { id: string; slug: string; name: string } }> {
  const invitation = await readInvitation(db, token, now);
  if (invitation.state !== "open") throw new AppError("bad_request", invitation.state === "unknown" ? "this invitation link is not valid" : `this invitation was ${invitation.state === "expired" ? "not accepted in time: ask for a new one" : invitation.state}`);
  let userId: string;
  let newUser: { name: string | null; passwordHash: string } | undefined;
  if ("signedInUserId" in how) {
    const user = await db.user.findUnique({ where: { id: how.signedInUserId }, select: { id: true, email: true } });
    if (!user || user.email !== invitation.email) throw new AppError("forbidden", `this invitation is for ${invitation.email}: sign in as that account to accept it`);
    userId = user.id;
  } else {
    if (invitation.hasAccount) throw new AppError("conflict", `${invitation.email} already has an account: sign in to accept the invitation`);
    const password = signUpInput.shape.password.safeParse(how.newAccount.password);
    if (!password.success) throw new AppError("bad_request", `the password: ${password.error.issues[0]?.message ?? "is not allowed"}`);
    userId = newId("user");
    newUser = { name: how.newAccount.name?.trim() || null, passwordHash: await hashPassword(how.newAccount.password) };
  }
  try {
    await db.$transaction(async (tx) => {
      // Single use: only the first acceptance marks it; the account and membership come with it.
      const taken = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: now } });
      if (taken.count === 0) throw new AppError("conflict", "this invitation was just used");
      if (newUser) await tx.user.create({ data: { id: userId, email: invitation.email, ...newUser } });
      const existing = await tx.membership.findFirst({ where: { orgId: invitation.org.id, userId }, select: { id: true } });
      if (!existing) await tx.membership.create({ data: { id: newId("membership"), orgId: invitation.org.id, userId, role: invitation.role } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `${invitation.email} already has an account: sign in to accept the invitation`);
    throw error;
  }
  return { userId, email: invitation.email, org: invitation.org };
}
