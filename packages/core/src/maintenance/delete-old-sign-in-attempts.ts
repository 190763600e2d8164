import type { Db } from "@tengine/db";
import { SIGN_IN_LIMITS } from "../users/authenticate-user.ts";

/**
 * Failed sign-ins only matter inside the sign-in rate-limit window (15 min); a day later they
 * are noise that holds email addresses and client IPs for no purpose. Returns how many went.
 */
export async function deleteOldSignInAttempts(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - Math.max(SIGN_IN_LIMITS.windowMs, 24 * 3_600_000));
  const { count } = await db.signInAttempt.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
