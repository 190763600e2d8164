import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { signUpInput } from "./sign-up.ts";

/** The rule every new password follows: the one sign-up uses. */
const newPasswordRule = signUpInput.shape.password;

/**
 * A signed-in person replaces their password: the current one must be right (a session left open
 * is not enough to lock its owner out), the new one follows the sign-up rule and differs from it.
 * Clears `mustChangePassword`, set when an admin created the account with a temporary password.
 */
export async function changePassword(db: Db, userId: string, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("not_found", "no such account");
  if (!user.passwordHash) throw new AppError("bad_request", "this account signs in with single sign-on and has no password here");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) throw new AppError("bad_request", "the current password is not right");
  const next = newPasswordRule.safeParse(input.newPassword);
  if (!next.success) throw new AppError("bad_request", `the new password: ${next.error.issues[0]?.message ?? "is not allowed"}`);
  if (input.newPassword === input.currentPassword) throw new AppError("bad_request", "choose a new password other than the current one");
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(input.newPassword), mustChangePassword: false } });
}
