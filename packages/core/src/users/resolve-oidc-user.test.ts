import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OIDC_REFUSALS, resolveOidcUser } from "./resolve-oidc-user.ts";
import { signUp } from "./sign-up.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase("oidc_link");
});
afterAll(() => database?.drop());

async function existing(email: string) {
  const result = await signUp(database.db, { email, password: "a long enough password", organization: `Org of ${email}` });
  if (!result.created) throw new Error("expected a new account");
  return result.user;
}

describe("OpenID Connect sign-in", () => {
  it("signs in to the existing account with that email when the provider verified it", async () => {
    const user = await existing("verified@example.com");
    expect(await resolveOidcUser(database.db, { email: "Verified@Example.com", email_verified: true, name: "V" })).toEqual({ ok: true, user: { id: user.id, email: "verified@example.com" }, created: false });
  });

  it.each([
    ["false", false],
    ["missing", undefined],
    ['the string "true"', "true"],
  ])("refuses an existing account's email when email_verified is %s, and changes nothing", async (_label, emailVerified) => {
    const email = `unverified-${String(emailVerified)}@example.com`;
    await existing(email);
    const users = await database.db.user.count();
    expect(await resolveOidcUser(database.db, { email, email_verified: emailVerified })).toEqual({ ok: false, reason: "email_not_verified", message: OIDC_REFUSALS.email_not_verified });
    expect(await database.db.user.count()).toBe(users);
  });

  it("creates an account for a new verified email, and none for a new unverified one", async () => {
    const created = await resolveOidcUser(database.db, { email: "new@example.com", email_verified: true, name: "New Person" });
    expect(created).toMatchObject({ ok: true, created: true, user: { email: "new@example.com" } });
    expect(await database.db.user.findUnique({ where: { email: "new@example.com" }, select: { name: true, passwordHash: true } })).toEqual({ name: "New Person", passwordHash: null });
    // the second sign-in finds the same account
    expect(await resolveOidcUser(database.db, { email: "new@example.com", email_verified: true })).toMatchObject({ ok: true, created: false, user: { id: created.ok ? created.user.id : "" } });

    expect(await resolveOidcUser(database.db, { email: "new-unverified@example.com", email_verified: false })).toMatchObject({ ok: false, reason: "email_not_verified" });
    expect(await database.db.user.findUnique({ where: { email: "new-unverified@example.com" } })).toBeNull();
  });

  it("refuses a sign-in without an email", async () => {
    expect(await resolveOidcUser(database.db, { email_verified: true })).toEqual({ ok: false, reason: "email_missing", message: OIDC_REFUSALS.email_missing });
  });
});
