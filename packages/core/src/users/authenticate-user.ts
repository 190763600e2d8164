import type { Db } from "@tengine/db";
import { newId } from "../ids/new-id.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { checkSecondFactor } from "./two-factor.ts";

/** Sign-in attempts allowed per email, and per client address, in the window. */
export const SIGN_IN_LIMITS = { perEmail: 5, perIp: 20, windowMs: 15 * 60 * 1000 };

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  /** code_required: the password is right and the account has two-factor sign-in: ask for the code; invalid_code: the code is wrong */
  | { ok: false; reason: "invalid" | "rate_limited" | "code_required" | "invalid_code" };

export type AuthenticateOptions = {
  /** the client address, only when it is known (a trusted proxy's hop); never a client-sent header */
  ip?: string;
  now?: Date;
  /** the password check; tests pass the real one wrapped, to see which hash each path checks */
  verify?: (password: string, stored: string) => Promise<boolean>;
  /** the second factor of an account with two-factor sign-in: a TOTP or recovery code, and the box that opens the secret */
  secondFactor?: { code?: string; secretBox: SecretBox };
};

// A hash of a random password with the same parameters as every stored hash: an unknown email
// (or an account without a password) pays for the same scrypt as a wrong password, so timing
// does not tell which emails have accounts. Made once per process.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`no account ${Math.random()}`);
  return dummyHash;
}

/**
 * Email + password sign-in. Every attempt is recorded before the password is checked, then the
 * attempts in the window are counted including this one: attempts that arrive in parallel each
 * see all earlier-committed ones, so at most `perEmail` of them are ever checked, however many
 * are sent at once. Past the limit even the right password is refused until the window passes.
 * A successful sign-in clears the email's attempts. Unknown email and wrong password get the
 * same answer and cost the same work.
 *
 * An account with two-factor sign-in also needs a code: without one the answer is
 * `code_required` (only after the right password, and that attempt is not counted, so asking
 * for the code costs the person nothing); a wrong code stays counted like a wrong password, so
 * codes cannot be guessed faster than passwords. Without `secondFactor.secretBox` such an
 * account cannot sign in (never a silent skip of the second factor).
 */
export async function authenticateUser(db: Db, email: string, password: string, options: AuthenticateOptions = {}): Promise<SignInResult> {
  const { ip, now = new Date(), verify = verifyPassword } = options;
  const normalized = email.trim().toLowerCase();
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs);
  const attemptId = newId("signIn");
  await db.signInAttempt.create({ data: { id: attemptId, email: normalized, ip: ip ?? null, createdAt: now } });
  const [byEmail, byIp] = await Promise.all([
    db.signInAttempt.count({ where: { email: normalized, createdAt: { gt: since } } }),
    ip ? db.signInAttempt.count({ where: { ip, createdAt: { gt: since } } }) : Promise.resolve(0),
  ]);
  if (byEmail > SIGN_IN_LIMITS.perEmail || byIp > SIGN_IN_LIMITS.perIp) return { ok: false, reason: "rate_limited" };
  const user = await db.user.findUnique({ where: { email: normalized }, select: { id: true, email: true, name: true, passwordHash: true, totpEnabledAt: true } });
  const valid = await verify(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user?.passwordHash || !valid) return { ok: false, reason: "invalid" };
  if (user.totpEnabledAt) {
    const code = options.secondFactor?.code?.trim();
    if (!code) {
      await db.signInAttempt.deleteMany({ where: { id: attemptId } });
      return { ok: false, reason: "code_required" };
    }
    if (!options.secondFactor || !(await checkSecondFactor(db, options.secondFactor.secretBox, user.id, code, now))) return { ok: false, reason: "invalid_code" };
  }
  await db.signInAttempt.deleteMany({ where: { email: normalized } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
