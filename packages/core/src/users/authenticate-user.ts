import type { Db } from "@tengine/db";
import { newId } from "../ids/new-id.ts";
import { verifyPassword } from "./password.ts";

/** Failed sign-ins allowed per email, and per client address, in the window. */
export const SIGN_IN_LIMITS = { perEmail: 5, perIp: 20, windowMs: 15 * 60 * 1000 };

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  | { ok: false; reason: "invalid" | "rate_limited" };

/**
 * Email + password sign-in. Failures are counted in the database (shared by every dashboard
 * replica); past the limit even a right password is refused until the window passes, so
 * guessing is slow. The same answer for unknown email and wrong password.
 */
export async function authenticateUser(db: Db, email: string, password: string, ip?: string, now = new Date()): Promise<SignInResult> {
  const normalized = email.trim().toLowerCase();
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs);
  const [byEmail, byIp] = await Promise.all([
    db.signInAttempt.count({ where: { email: normalized, createdAt: { gt: since } } }),
    ip ? db.signInAttempt.count({ where: { ip, createdAt: { gt: since } } }) : Promise.resolve(0),
  ]);
  if (byEmail >= SIGN_IN_LIMITS.perEmail || byIp >= SIGN_IN_LIMITS.perIp) return { ok: false, reason: "rate_limited" };
  const user = await db.user.findUnique({ where: { email: normalized }, select: { id: true, email: true, name: true, passwordHash: true } });
  const valid = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : false;
  if (!user || !valid) {
    await db.signInAttempt.create({ data: { id: newId("signIn"), email: normalized, ip: ip ?? null, createdAt: now } });
    return { ok: false, reason: "invalid" };
  }
  await db.signInAttempt.deleteMany({ where: { email: normalized } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
