import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { hashPassword } from "./password.ts";
import { authenticateUser } from "./authenticate-user.ts";
import { totpCode } from "./totp.ts";
import { checkSecondFactor, confirmTotpEnrolment, disableTotp, startTotpEnrolment, twoFactorStatus } from "./two-factor.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const secretBox = new SecretBox(SecretBox.generateKey());
beforeAll(async () => {
  database = await createTestDatabase("two_factor");
});
afterAll(() => database?.drop());

describe("TOTP two-factor sign-in", () => {
  it("enrols with a confirmed code, asks for a code at sign-in, refuses replays, uses recovery codes once, turns off with a code", async () => {
    const { db } = database;
    const user = await db.user.create({ data: { id: "usr_two_factor", email: "tf@example.com", passwordHash: await hashPassword("the right password") } });
    const t0 = new Date(Date.UTC(2026, 11, 7, 10, 0, 5));
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

    const { secret, uri } = await startTotpEnrolment(db, secretBox, user.id);
    expect(uri).toBe(`otpauth://totp/Tengine:tf%40example.com?secret=${secret}&issuer=Tengine&algorithm=SHA1&digits=6&period=30`);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.totpSecretEnc).toBeTruthy();
    expect(stored.totpSecretEnc).not.toContain(secret); // encrypted at rest
    // Not on until confirmed: sign-in needs no code yet.
    expect((await authenticateUser(db, "tf@example.com", "the right password", { now: t0 })).ok).toBe(true);
    await expect(confirmTotpEnrolment(db, secretBox, user.id, "000000", t0)).rejects.toThrow("that code is not right");

    const { recoveryCodes } = await confirmTotpEnrolment(db, secretBox, user.id, totpCode(secret, t0), t0);
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes[0]).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{2}$/);
    const hashes = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).recoveryCodeHashes;
    expect(hashes).toHaveLength(10);
    expect(hashes.join()).not.toContain(recoveryCodes[0]!.replaceAll("-", ""));
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    await expect(startTotpEnrolment(db, secretBox, user.id)).rejects.toThrow("already on");

    const sf = (code?: string) => ({ secondFactor: { secretBox, ...(code !== undefined ? { code } : {}) } });
    // The right password alone: asked for the code, and that attempt is not counted.
    expect(await authenticateUser(db, "tf@example.com", "the right password", { now: at(30), ...sf() })).toEqual({ ok: false, reason: "code_required" });
    expect(await db.signInAttempt.count({ where: { email: "tf@example.com" } })).toBe(0);
    // A wrong password never reveals that a code would be asked.
    expect(await authenticateUser(db, "tf@example.com", "wrong", { now: at(30), ...sf() })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateUser(db, "tf@example.com", "the right password", { now: at(30), ...sf("123456") })).toEqual({ ok: false, reason: "invalid_code" });
    // Without the box the second factor cannot be checked: refused, never skipped.
    expect(await authenticateUser(db, "tf@example.com", "the right password", { now: at(60), secondFactor: undefined as never })).toEqual({ ok: false, reason: "code_required" });
    const code = totpCode(secret, at(60));
    expect((await authenticateUser(db, "tf@example.com", "the right password", { now: at(60), ...sf(code) })).ok).toBe(true);
    // The same code again (still inside its window) is refused: no replay.
    expect(await authenticateUser(db, "tf@example.com", "the right password", { now: at(61), ...sf(code) })).toEqual({ ok: false, reason: "invalid_code" });
    // The enrolment code's step is used too.
    expect(await checkSecondFactor(db, secretBox, user.id, totpCode(secret, t0), t0)).toBe(false);

    // A recovery code works once, typed any way.
    expect((await authenticateUser(db, "tf@example.com", "the right password", { now: at(90), ...sf(` ${recoveryCodes[3]!.toUpperCase()} `) })).ok).toBe(true);
    expect(await authenticateUser(db, "tf@example.com", "the right password", { now: at(91), ...sf(recoveryCodes[3]) })).toEqual({ ok: false, reason: "invalid_code" });
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: true, recoveryCodesLeft: 9 });

    // Two parallel uses of one recovery code: only one passes.
    const both = await Promise.all([checkSecondFactor(db, secretBox, user.id, recoveryCodes[5]!, at(100)), checkSecondFactor(db, secretBox, user.id, recoveryCodes[5]!, at(100))]);
    expect(both.filter(Boolean)).toHaveLength(1);

    await expect(disableTotp(db, secretBox, user.id, "999999", at(120))).rejects.toThrow("that code is not right");
    await disableTotp(db, secretBox, user.id, totpCode(secret, at(150)), at(150));
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecretEnc).toBeNull();
    expect((await authenticateUser(db, "tf@example.com", "the right password", { now: at(180) })).ok).toBe(true);
  });
});
