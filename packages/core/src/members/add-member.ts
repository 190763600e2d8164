import { z } from "zod";
import { type Db, isUniqueViolation } from "@tengine/db";
import { ROLES, type Role } from "../access/roles.ts";
import { randomBase62 } from "../crypto/hash.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { hashPassword } from "../users/password.ts";
import { assertMayManage, memberSelect, type MemberView, toMemberView } from "./member-rules.ts";

export const addMemberInput = z.object({
  email: z.string().trim().toLowerCase().email("enter a valid email address"),
  role: z.enum(ROLES, { error: "choose a role" }),
  /** Used only when the account is created here. */
  name: z.string().trim().max(100).optional(),
});

export type AddMemberResult = {
  member: MemberView;
  /** True when no account existed for the email and one was created. */
  userCreated: boolean;
  /** The new account's password, returned this once (never stored in clear, never logged). */
  temporaryPassword?: string;
};

/**
 * Adds a person to an organization by email. An existing account just gets the membership;
 * otherwise an account is created with a random temporary password that the caller shows to
 * the admin once, to hand over privately.
 */
export async function addMember(db: Db, orgId: string, actorRole: Role, raw: z.input<typeof addMemberInput>): Promise<AddMemberResult> {
  const input = addMemberInput.parse(raw);
  assertMayManage(actorRole, null, input.role);
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  let temporaryPassword: string | undefined;
  let passwordHash: string | undefined;
  if (!existing) {
    temporaryPassword = randomBase62(16);
    passwordHash = await hashPassword(temporaryPassword);
  }
  try {
    const row = await db.$transaction(async (tx) => {
      const userId = existing?.id ?? (await tx.user.create({ data: { id: newId("user"), email: input.email, name: input.name || null, passwordHash: passwordHash!, mustChangePassword: true }, select: { id: true } })).id;
      return tx.membership.create({ data: { id: newId("membership"), orgId, userId, role: input.role }, select: memberSelect });
    });
    return { member: toMemberView(row), userCreated: !existing, ...(temporaryPassword ? { temporaryPassword } : {}) };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (existing) throw new AppError("conflict", `${input.email} is already a member of this organization`);
    // Someone created the account between our lookup and insert: it exists now; try again.
    throw new AppError("conflict", `an account for ${input.email} was just created: add them again`);
  }
}
