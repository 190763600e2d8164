import { createHash, randomBytes } from "node:crypto";
import { createProject, OIDC_REFUSALS, signUp } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/start-product.ts";
import { Browser, type DashboardProcess, ensureDashboardBuilt, startDashboard, waitUntilUp } from "./support/running-dashboard.ts";

/*
 * The real dashboard (`next build` + `next start`) on a database of its own: session cookies
 * are only accepted when signed with NEXTAUTH_SECRET (in particular not with the secret the
 * dashboard used to derive from DATABASE_URL), every page refuses to be framed, the sign-in
 * page explains a single sign-on refusal, and the server does not start without good secrets.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dashboard: DashboardProcess | undefined;
let url: string;
const secret = randomBytes(32).toString("base64url");
const masterKey = randomBytes(32).toString("base64url");
const admin = { email: "admin@acme.test", password: "the admin's long password" };
let adminId: string;
let projectSlug: string;

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, PUBLIC_DASHBOARD_URL: url, NEXTAUTH_URL: url };
  delete env.NEXTAUTH_SECRET;
  delete env.TENGINE_MASTER_KEY;
  delete env.REDIS_URL;
  return env;
}

beforeAll(async () => {
  ensureDashboardBuilt();
  database = await createTestDatabase("dashboard_session");
  const created = await signUp(database.db, { ...admin, name: "Admin", organization: "Acme" });
  if (!created.created) throw new Error("expected a new account");
  adminId = created.user.id;
  projectSlug = (await createProject(database.db, { orgId: created.org.id, name: "Billing" })).slug;
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  dashboard = startDashboard(port, { ...baseEnv(), NEXTAUTH_SECRET: secret, TENGINE_MASTER_KEY: masterKey });
  await waitUntilUp(dashboard, url);
}, 600_000);

afterAll(async () => {
  await dashboard?.stop();
  await database?.drop();
});

/** A next-auth session cookie for the admin, as anyone holding `signingSecret` could make one. */
async function sessionFor(userId: string, signingSecret: string): Promise<string> {
  return encode({ token: { uid: userId, sub: userId, email: admin.email, name: "Admin" }, secret: signingSecret, maxAge: 3600 });
}

describe("session cookies", () => {
  it("refuses a cookie forged with the secret derived from DATABASE_URL, which used to be the fallback", async () => {
    const oldDerivedSecret = createHash("sha256").update(`tengine-dev:${database.target.url}`).digest("hex");
    const browser = new Browser(url);
    browser.cookies.set("next-auth.session-token", await sessionFor(adminId, oldDerivedSecret));
    const page = await browser.get("/projects");
    expect(page.status).toBe(307);
    expect(new URL(page.headers.get("location")!, url).pathname).toBe("/login");
    expect(await (await browser.get("/api/auth/session")).json()).toEqual({});
  });

  it("accepts the same cookie signed with NEXTAUTH_SECRET (so only the secret made the difference)", async () => {
    const browser = new Browser(url);
    browser.cookies.set("next-auth.session-token", await sessionFor(adminId, secret));
    const page = await browser.get("/projects");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Billing");
  });

  it("signs in with the right password and gets the admin's pages", async () => {
    const browser = new Browser(url);
    const wrong = await browser.signIn(admin.email, "not the password");
    expect(((await wrong.json()) as { url: string }).url).toContain("error=");
    expect(browser.cookies.has("next-auth.session-token")).toBe(false);
    const right = await browser.signIn(admin.email, admin.password);
    expect(right.status).toBe(200);
    expect(browser.cookies.has("next-auth.session-token")).toBe(true);
    const page = await browser.get(`/projects/${projectSlug}/keys`);
    expect(page.status).toBe(200);
    expect(((await (await browser.get("/api/auth/session")).json()) as { user?: { email?: string } }).user?.email).toBe(admin.email);
  });
});

describe("framing", () => {
  it("forbids framing on every kind of route: pages, project pages, sign-in, API and OAuth routes", async () => {
    const browser = new Browser(url);
    await browser.signIn(admin.email, admin.password);
    const paths = ["/", "/login", "/signup", "/projects", `/projects/${projectSlug}`, `/projects/${projectSlug}/approvals`, `/projects/${projectSlug}/keys`, "/org/members", "/api/healthz", "/api/auth/csrf", "/oauth/consent", "/no-such-page"];
    for (const path of paths) {
      const response = await browser.get(path);
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
  });
});

describe("sign-in page", () => {
  it("says why single sign-on refused an unverified email, and shows no text from the URL", async () => {
    const browser = new Browser(url);
    const alertOf = async (path: string) => /<div role="alert"[^>]*>([^<]*)<\/div>/.exec(await (await browser.get(path)).text())?.[1];
    expect(await alertOf("/login?error=oidc_email_not_verified")).toBe(OIDC_REFUSALS.email_not_verified.replace(/'/g, "&#x27;"));
    expect(await alertOf("/login?error=oidc_email_missing")).toBe(OIDC_REFUSALS.email_missing);
    expect(await alertOf("/login?error=%3Cb%3Einjected%3C%2Fb%3E")).toBe("Sign-in failed. Try again.");
    expect(await alertOf("/login")).toBeUndefined();
  });
});

describe("start-up", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["NEXTAUTH_SECRET missing", { TENGINE_MASTER_KEY: masterKey }, /NEXTAUTH_SECRET is not set/],
    ["NEXTAUTH_SECRET too short", { TENGINE_MASTER_KEY: masterKey, NEXTAUTH_SECRET: "only-sixteen-chr" }, /NEXTAUTH_SECRET is too short/],
    ["NEXTAUTH_SECRET a placeholder", { TENGINE_MASTER_KEY: masterKey, NEXTAUTH_SECRET: "changeme-changeme-changeme-changeme-changeme" }, /NEXTAUTH_SECRET looks like a placeholder/],
    ["TENGINE_MASTER_KEY missing", { NEXTAUTH_SECRET: secret }, /TENGINE_MASTER_KEY is required/],
  ];
  it.each(cases)("refuses to start with %s, saying how to make one", async (_label, env, message) => {
    const port = await freePort();
    const refused = startDashboard(port, { ...baseEnv(), ...env });
    const code = await Promise.race([refused.exited, new Promise<"running">((r) => setTimeout(() => r("running"), 45_000))]);
    await refused.stop();
    expect(code, refused.output()).toBe(1);
    expect(refused.output()).toMatch(message);
    // the message says how to make one (the master key must be base64url, hence node's one-liner)
    expect(refused.output()).toMatch(/openssl rand -base64 32|randomBytes\(32\)\.toString\('base64url'\)/);
    expect(refused.output()).toContain("The dashboard did not start.");
    // one clear message, not a stack trace
    expect(refused.output()).not.toMatch(/^\s+at /m);
    expect(await fetch(`http://127.0.0.1:${port}/api/healthz`).then((r) => r.status, () => "no answer")).toBe("no answer");
  }, 60_000);
});
