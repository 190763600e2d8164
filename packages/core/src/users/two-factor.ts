import { randomBytes } from "node:crypto";
import type { Db } from "@tengine/db";
import { sha256Hex } from "../crypto/hash.ts";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { base32Encode, matchTotp, newTotpSecret, otpauthUri } from "./totp.ts";

/** The issuer an authenticator app shows next to the account. */
export const TOTP_ISSUER = "Tengine";
export const RECOVERY_CODE_COUNT = 10;

/** `abcd-efgh-ij`: 50 random bits, easy to type; compared without case, dashes or spaces. */
function newRecoveryCode(): string {
  const raw = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}
const recoveryHash = (code: string) => sha256Hex(`recovery:${code.replace(/[\s-]/g, "").toLowerCase()}`);

export type TwoFactorStatus = { enabled: boolean; recoveryCodesLeft: number };

export async function twoFactorStatus(db: Db, userId: string): Promise<TwoFactorStatus> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpEnabledAt: true, recoveryCodeHashes: true } });
  if (!user) throw new AppError("not_found", "no such account");
  return { enabled: !!user.totpEnabledAt, recoveryCodesLeft: user.totpEnabledAt ? user.recoveryCodeHashes.length : 0 };
}

/**
 * Starts (or restarts) enrolment: a new secret, stored encrypted but not in use until a code
 * from it is confirmed. Refused while two-factor sign-in is on (turn it off first).
 */
export async function startTotpEnrolment(db: Db, box: SecretBox, userId: string): Promise<{ secret: string; uri: string }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, totpEnabledAt: true } });
  if (!user) throw new AppError("not_found", "no such account");
  if (user.totpEnabledAt) throw new AppError("conflict", "two-factor sign-in is already on; turn it off first to set up another authenticator");
  const secret = newTotpSecret();
  await db.user.update({ where: { id: userId }, data: { totpSecretEnc: box.encrypt(secret, secretAd.userTotpSecret(userId)), totpLastStep: null } });
  return { secret, uri: otpauthUri(secret, user.email, TOTP_ISSUER) };
}

/**
 * Turns two-factor sign-in on once a code from the new secret is right, and returns the
 * recovery codes (shown once: only their hashes are kept).
 */
export async function confirmTotpEnrolment(db: Db, box: SecretBox, userId: string, code: string, now: Date = new Date()): Promise<{ recoveryCodes: string[] }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpSecretEnc: true, totpEnabledAt: true } });
  if (!user) throw new AppError("not_found", "no such account");
  if (user.totpEnabledAt) throw new AppError("conflict", "two-factor sign-in is already on");
  if (!user.totpSecretEnc) throw new AppError("bad_request", "start the set-up first");
  const step = matchTotp(box.decrypt(user.totpSecretEnc, secretAd.userTotpSecret(userId)), code, now);
  if (step === undefined) throw new AppError("bad_request", "that code is not right; enter the 6-digit code your authenticator app shows now");
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const updated = await db.user.updateMany({
    where: { id: userId, totpEnabledAt: null, totpSecretEnc: user.totpSecretEnc },
    data: { totpEnabledAt: now, totpLastStep: step, recoveryCodeHashes: recoveryCodes.map(recoveryHash) },
  });
  if (updated.count !== 1) throw new AppError("conflict", "the set-up changed in the meantime; start again");
  return { recoveryCodes };
}

/**
 * Checks a second factor of an account with two-factor sign-in on: a TOTP code (never one
 * already used: its step must be newer than the last accepted) or an unused recovery code
 * (used up by this). Both are compare-and-set updates, so two requests never both pass with
 * the same code. False for a wrong code or an account without two-factor sign-in.
 */
export async function checkSecondFactor(db: Db, box: SecretBox, userId: string, code: string, now: Date = new Date()): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpSecretEnc: true, totpEnabledAt: true, totpLastStep: true, recoveryCodeHashes: true } });
  if (!user?.totpEnabledAt || !user.totpSecretEnc) return false;
  const given = code.trim();
  if (/^\d{3}\s?\d{3}$/.test(given)) {
    const step = matchTotp(box.decrypt(user.totpSecretEnc, secretAd.userTotpSecret(userId)), given, now);
    if (step === undefined || (user.totpLastStep !== null && step <= user.totpLastStep)) return false;
    const taken = await db.user.updateMany({ where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } });
    return taken.count === 1;
  }
  const hash = recoveryHash(given);
  if (!user.recoveryCodeHashes.includes(hash)) return false;
  const used = await db.user.updateMany({ where: { id: userId, recoveryCodeHashes: { equals: user.recoveryCodeHashes } }, data: { recoveryCodeHashes: user.recoveryCodeHashes.filter((h) => h !== hash) } });
  return used.count === 1;
}

/** Turns two-factor sign-in off; needs a current code (or a recovery code), not just the session. */
export async function disableTotp(db: Db, box: SecretBox, userId: string, code: string, now: Date = new Date()): Promise<void> {
  if (!(await checkSecondFactor(db, box, userId, code, now))) throw new AppError("bad_request", "that code is not right; enter the code your authenticator app shows now, or a recovery code");
  await db.user.update({ where: { id: userId }, data: { totpSecretEnc: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: [] } });
}
