import { afterAll, describe, expect, it } from "vitest";
import { clientAddress } from "../src/server/client-address.ts";
import { dashboardUnderTest } from "./support/dashboard-under-test.ts";

/*
 * The dashboard's sign-in glue against the real database: next-auth's callbacks and
 * credentials provider as configured in src/server/auth.ts, and the sign-up action.
 */

const dash = await dashboardUnderTest("dashboard_sign_in");
const { authOptions } = await import("../src/server/auth.ts");
const { signUpAction } = await import("../src/server/actions/sign-up.ts");
afterAll(() => dash.drop());

type SignInCallback = NonNullable<NonNullable<ReturnType<typeof authOptions>["callbacks"]>["signIn"]>;
type JwtCallback = NonNullable<NonNullable<ReturnType<typeof authOptions>["callbacks"]>["jwt"]>;

/** What next-auth passes after the provider's callback: the profile() result and the raw claims. */
async function oidcSignIn(claims: Record<string, unknown>) {
  const callbacks = authOptions().callbacks!;
  const user = { id: String(claims.sub), email: (claims.email as string | undefined) ?? null, name: null };
  const allowed = await (callbacks.signIn as SignInCallback)({ user, account: { provider: "oidc", type: "oauth", providerAccountId: String(claims.sub) }, profile: claims } as Parameters<SignInCallback>[0]);
  const token = allowed === true ? await (callbacks.jwt as JwtCallback)({ token: {}, user, account: null } as Parameters<JwtCallback>[0]) : undefined;
  return { allowed, uid: token?.uid };
}

async function account(email: string, password = "the owner's long password") {
  expect(await signUpAction({ email, password, organization: `Org of ${email}` })).toEqual({ ok: true });
  return dash.db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
}

describe("single sign-on", () => {
  it("refuses an existing account's email the provider did not verify, with the reason for the sign-in page", async () => {
    const existing = await account("pat@acme.test");
    const users = await dash.db.user.count();
    expect(await oidcSignIn({ sub: "idp-1", email: "pat@acme.test", email_verified: false })).toEqual({ allowed: "/login?error=oidc_email_not_verified", uid: undefined });
    expect(await oidcSignIn({ sub: "idp-1", email: "pat@acme.test" })).toEqual({ allowed: "/login?error=oidc_email_not_verified", uid: undefined });
    expect(await dash.db.user.count()).toBe(users);
    // verified: the session is the existing account's
    expect(await oidcSignIn({ sub: "idp-1", email: "Pat@Acme.test", email_verified: true })).toEqual({ allowed: true, uid: existing.id });
  });

  it("creates an account for a new verified email only", async () => {
    expect((await oidcSignIn({ sub: "idp-2", email: "new@acme.test", email_verified: false })).allowed).toBe("/login?error=oidc_email_not_verified");
    expect(await dash.db.user.findUnique({ where: { email: "new@acme.test" } })).toBeNull();
    const signedIn = await oidcSignIn({ sub: "idp-2", email: "new@acme.test", email_verified: true, name: "New" });
    const created = await dash.db.user.findUniqueOrThrow({ where: { email: "new@acme.test" } });
    expect(signedIn).toEqual({ allowed: true, uid: created.id });
    expect(created.id).not.toBe("idp-2");
  });

  it("refuses a provider answer without an email", async () => {
    expect((await oidcSignIn({ sub: "idp-3", email_verified: true })).allowed).toBe("/login?error=oidc_email_missing");
  });
});

describe("password sign-in", () => {
  type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
  const authorize = () => (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

  it("ignores X-Forwarded-For without TRUST_PROXY: rotating it neither resets nor splits the count", async () => {
    await account("lee@acme.test", "lee's long password");
    for (let i = 0; i < 5; i++) {
      await expect(authorize()({ email: "lee@acme.test", password: "wrong" }, { headers: { "x-forwarded-for": `198.51.100.${i}` } })).rejects.toThrow("Wrong email or password.");
    }
    await expect(authorize()({ email: "lee@acme.test", password: "lee's long password" }, { headers: { "x-forwarded-for": "203.0.113.200" } })).rejects.toThrow("Too many failed attempts");
    const recorded = await dash.db.signInAttempt.findMany({ where: { email: "lee@acme.test" }, select: { ip: true } });
    expect(recorded.length).toBe(6);
    expect(recorded.every((r) => r.ip === null)).toBe(true);
  });

  it("signs in with the right password", async () => {
    const user = await account("kim@acme.test", "kim's long password");
    expect(await authorize()({ email: "kim@acme.test", password: "kim's long password" }, { headers: {} })).toEqual({ id: user.id, email: "kim@acme.test", name: null });
  });
});

describe("client address", () => {
  it("is the proxy's own hop only when the proxy is trusted", () => {
    expect(clientAddress("6.6.6.6, 10.0.0.7", true)).toBe("10.0.0.7");
    expect(clientAddress(["6.6.6.6", "10.0.0.7"], true)).toBe("10.0.0.7");
    expect(clientAddress("6.6.6.6, 10.0.0.7", false)).toBeUndefined();
    expect(clientAddress(undefined, true)).toBeUndefined();
  });
});

describe("sign-up", () => {
  it("answers an existing email exactly like a new one, and leaves the existing account as it was", async () => {
    const before = await account("taken@acme.test");
    const memberships = await dash.db.membership.findMany({ where: { userId: before.id } });
    const orgs = await dash.db.organization.count();
    const fresh = await signUpAction({ email: "fresh@acme.test", password: "a long enough password", organization: "Fresh" });
    const taken = await signUpAction({ email: "Taken@Acme.test", password: "an attacker's password", organization: "Takeover" });
    expect(taken).toEqual(fresh);
    expect(await dash.db.user.findUniqueOrThrow({ where: { email: "taken@acme.test" }, select: { id: true, email: true, name: true, passwordHash: true } })).toEqual(before);
    expect(await dash.db.membership.findMany({ where: { userId: before.id } })).toEqual(memberships);
    expect(await dash.db.organization.count()).toBe(orgs + 1);
  });
});
