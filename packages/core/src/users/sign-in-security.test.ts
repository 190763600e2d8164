import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { authenticateUser, dummyPasswordHash, SIGN_IN_LIMITS } from "./authenticate-user.ts";
import { verifyPassword } from "./password.ts";
import { signUp } from "./sign-up.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase("sign_in_security");
});
afterAll(() => database?.drop());

/** The real scrypt check, recording which stored hash each call checked against. */
function countingVerifier() {
  const checked: string[] = [];
  return {
    checked,
    verify: async (password: string, stored: string) => {
      checked.push(stored);
      return verifyPassword(password, stored);
    },
  };
}

async function account(email: string, password: string) {
  const result = await signUp(database.db, { email, password, organization: `Org of ${email}` });
  if (!result.created) throw new Error("expected a new account");
  return result.user;
}

describe("sign-in throttling", () => {
  it("checks at most the limit of 20 parallel wrong passwords, then refuses even the right one", async () => {
    await account("parallel@example.com", "the right password");
    const { checked, verify } = countingVerifier();
    const results = await Promise.all(Array.from({ length: 20 }, () => authenticateUser(database.db, "parallel@example.com", "wrong password", { verify })));
    expect(checked.length).toBeLessThanOrEqual(SIGN_IN_LIMITS.perEmail);
    expect(results.filter((r) => !r.ok && r.reason === "invalid").length).toBe(checked.length);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited").length).toBe(20 - checked.length);
    const before = checked.length;
    expect(await authenticateUser(database.db, "parallel@example.com", "the right password", { verify })).toEqual({ ok: false, reason: "rate_limited" });
    expect(checked.length).toBe(before);
  });

  it("keeps counting per email whatever client address each attempt claims", async () => {
    await account("rotating@example.com", "the right password");
    // Without a trusted proxy the dashboard passes no address at all; with one, each forged
    // X-Forwarded-For still lands on a new address: neither resets the per-email count.
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) {
      expect(await authenticateUser(database.db, "rotating@example.com", "wrong", { ip: `203.0.113.${i}` })).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await authenticateUser(database.db, "rotating@example.com", "the right password", { ip: "198.51.100.77" })).toEqual({ ok: false, reason: "rate_limited" });
    expect(await authenticateUser(database.db, "rotating@example.com", "the right password")).toEqual({ ok: false, reason: "rate_limited" });
  });

  it("limits one client address across many emails", async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      expect(await authenticateUser(database.db, `spray${i}@example.com`, "guess", { ip: "192.0.2.9" })).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await authenticateUser(database.db, "spray-last@example.com", "guess", { ip: "192.0.2.9" })).toEqual({ ok: false, reason: "rate_limited" });
    // another address is not affected
    expect(await authenticateUser(database.db, "spray-last@example.com", "guess", { ip: "192.0.2.10" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("runs the same scrypt check for an unknown email as for a wrong password", async () => {
    const user = await account("known@example.com", "the right password");
    const stored = (await database.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })).passwordHash!;
    const { checked, verify } = countingVerifier();
    expect(await authenticateUser(database.db, "known@example.com", "wrong password", { verify })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateUser(database.db, "unknown@example.com", "wrong password", { verify })).toEqual({ ok: false, reason: "invalid" });
    expect(checked).toEqual([stored, await dummyPasswordHash()]);
    // The dummy hash has the stored hashes' scrypt parameters, so it costs the same.
    const params = (hash: string) => hash.split("$").slice(0, 4).join("$");
    expect(params(checked[1]!)).toBe(params(stored));
    expect(checked[1]).not.toBe(stored);
  });

  it("runs the scrypt check for an account that has no password (single sign-on only), and refuses", async () => {
    await database.db.user.create({ data: { id: newId("user"), email: "sso@example.com" } });
    const { checked, verify } = countingVerifier();
    expect(await authenticateUser(database.db, "sso@example.com", "anything", { verify })).toEqual({ ok: false, reason: "invalid" });
    expect(checked).toEqual([await dummyPasswordHash()]);
  });
});

describe("sign-up", () => {
  it("answers an existing email exactly like a new one and leaves the existing account untouched", async () => {
    const user = await account("taken@example.com", "the owner's password");
    const snapshot = async () => ({
      users: await database.db.user.findMany({ where: { email: "taken@example.com" } }),
      memberships: await database.db.membership.findMany({ where: { userId: user.id } }),
      orgs: await database.db.organization.count(),
    });
    const before = await snapshot();
    const again = await signUp(database.db, { email: "Taken@Example.com", password: "an attacker's password", organization: "Takeover" });
    expect(again).toEqual({ created: false });
    expect(await snapshot()).toEqual(before);
    expect(await authenticateUser(database.db, "taken@example.com", "an attacker's password")).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateUser(database.db, "taken@example.com", "the owner's password")).toMatchObject({ ok: true });
  });
});
