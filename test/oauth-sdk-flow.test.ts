import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { auth, type OAuthClientProvider, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { hashPassword, newId, setOAuthPolicy } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type RunningProduct, startProduct } from "./start-product.ts";
import { Browser as DashboardBrowser } from "../apps/dashboard/test/support/running-dashboard.ts";

/**
 * Issue 4's end-to-end flow with the official MCP SDK client's own OAuth support, against the
 * whole product started as `npm start` starts it: the SDK discovers the authorization server
 * from the 401, registers itself (RFC 7591), sends the user to /oauth/authorize; this test
 * plays the browser (gateway redirect, dashboard sign-in, consent form) and hands the code
 * back to the SDK, which then lists and calls tools, refreshes and keeps working after the
 * refresh token rotated. The consent screen's CSRF, origin and error handling are checked on
 * the same running apps.
 */
// The demo project's policy allows exactly this redirect URI (prisma/seed.ts). Nothing listens
// there: like a browser, the test reads the code from the consent form's 303.
const REDIRECT_URI = "http://localhost:3118/callback";

let product: RunningProduct | undefined;
let dataDir: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let gatewayUrl: string;
let dashboardUrl: string;
let mcpUrl: string;
let admin: { email: string; password: string };

beforeAll(async () => {
  database = await createTestDatabase("oauth_sdk_flow");
  dataDir = await mkdtemp(path.join(os.tmpdir(), "tengine-oauth-"));
  const [gatewayPort, crmPort, dashboardPort] = [await freePort(), await freePort(), await freePort()];
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  mcpUrl = `${gatewayUrl}/p/demo/mcp`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TENGINE_DATA_DIR: dataDir,
    DATABASE_URL: database.target.url,
    DATABASE_SCHEMA: database.target.schema,
    TENGINE_MASTER_KEY: randomBytes(32).toString("base64url"),
    GATEWAY_PORT: String(gatewayPort),
    DEMO_CRM_PORT: String(crmPort),
    DASHBOARD_PORT: String(dashboardPort),
    PUBLIC_GATEWAY_URL: gatewayUrl,
    PUBLIC_DASHBOARD_URL: dashboardUrl,
  };
  delete env.NEXTAUTH_SECRET;
  delete env.NEXTAUTH_URL;
  product = await startProduct(env);
  const credentials = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8"));
  admin = { email: credentials.adminEmail, password: credentials.adminPassword };
}, 600_000);

afterAll(async () => {
  await product?.stop();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The dashboard's test user agent (cookie jar, manual redirects), signed in as the login form does. */
class Browser extends DashboardBrowser {
  constructor() {
    super(() => dashboardUrl);
  }

  async signInChecked(email: string, password: string): Promise<void> {
    const response = await this.signIn(email, password);
    expect(response.status, await response.clone().text()).toBeLessThan(400);
    const session = (await (await this.get("/api/auth/session")).json()) as { user?: { email?: string } };
    expect(session.user?.email).toBe(email);
  }
}

/** The consent page's form, as a browser parses it. */
async function readConsentForm(response: Response) {
  expect(response.status).toBe(200);
  const html = await response.text();
  const inputs = [...html.matchAll(/<input\b[^>]*>/g)].map((m) => ({ name: /\bname="([^"]*)"/.exec(m[0])?.[1], value: /\bvalue="([^"]*)"/.exec(m[0])?.[1], checked: /\bchecked(?:=""|\b)/.test(m[0]) }));
  const valueOf = (name: string) => inputs.find((i) => i.name === name)?.value;
  const boxes = inputs.filter((i) => i.name === "scope");
  // Every requested scope is offered, checked.
  expect(boxes.every((b) => b.checked)).toBe(true);
  return { html, csrf: valueOf("csrf"), request: valueOf("request"), scopes: boxes.map((b) => b.value!) };
}

function location(response: Response): URL {
  const value = response.headers.get("location");
  expect(value, `status ${response.status}, no Location`).toBeTruthy();
  return new URL(value!, response.url);
}

function expectUnframeable(response: Response) {
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(response.headers.get("cache-control")).toContain("no-store");
}

/** An in-memory OAuthClientProvider, as an MCP host implements one. */
class MemoryProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  lastState?: string;
  authorizationUrl?: URL;

  constructor(private readonly onRedirect: (url: URL) => Promise<void> = async () => {}) {}

  get redirectUrl() {
    return REDIRECT_URI;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: "SDK flow test client", redirect_uris: [REDIRECT_URI], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
  }
  state() {
    this.lastState = randomBytes(16).toString("base64url");
    return this.lastState;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  async redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
    await this.onRedirect(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error("no code verifier saved");
    return this.verifier;
  }
}

let registered: OAuthClientInformationMixed | undefined;

/**
 * A fresh authorization request on the consent page: the SDK starts the flow (registering a
 * client once, then reusing it, as a host does) and we stop at the redirect.
 */
async function pendingRequest(browser: Browser) {
  const provider = new MemoryProvider();
  provider.client = registered;
  expect(await auth(provider, { serverUrl: mcpUrl })).toBe("REDIRECT");
  registered = provider.client;
  const toConsent = await browser.get(provider.authorizationUrl!);
  expect(toConsent.status).toBe(302);
  const consentUrl = location(toConsent);
  return { provider, consentUrl, requestId: consentUrl.searchParams.get("request")! };
}

describe("the MCP SDK client's OAuth flow against the running apps", () => {
  const browser = new Browser();
  let code: string | undefined;
  let client: Client;
  const provider = new MemoryProvider(async (authorizationUrl) => {
    // The user agent opens the authorization URL: the gateway validated it and hands over
    // to the dashboard's consent page.
    expect(authorizationUrl.origin).toBe(gatewayUrl);
    const toConsent = await browser.get(authorizationUrl);
    expect(toConsent.status).toBe(302);
    const consentUrl = location(toConsent);
    expect(consentUrl.origin + consentUrl.pathname).toBe(`${dashboardUrl}/oauth/consent`);

    // Not signed in: to the sign-in page, which returns to this consent page.
    const toLogin = await browser.get(consentUrl);
    expect(toLogin.status).toBe(307);
    const login = location(toLogin);
    expect(login.pathname).toBe("/login");
    expect(login.searchParams.get("callbackUrl")).toBe(consentUrl.pathname + consentUrl.search);
    await browser.signInChecked(admin.email, admin.password);

    const page = await browser.get(new URL(login.searchParams.get("callbackUrl")!, dashboardUrl));
    expectUnframeable(page);
    const form = await readConsentForm(page);
    expect(form.html).toContain("SDK flow test client");
    expect(form.html).toContain("self-declared");
    expect(form.html).toContain("localhost:3118");
    expect(form.html).toContain("Demo CRM");
    expect(form.request).toBe(consentUrl.searchParams.get("request"));
    // The SDK asked for the protected resource's scopes_supported: the demo project's ceiling.
    expect(form.scopes).toEqual(expect.arrayContaining(["contacts:read", "contacts:write"]));

    const decided = await browser.post(
      `${dashboardUrl}/oauth/consent/decide`,
      [["request", form.request!], ["csrf", form.csrf!], ...form.scopes.map((s): [string, string] => ["scope", s]), ["decision", "approve"]],
      { origin: dashboardUrl },
    );
    expect(decided.status).toBe(303);
    expectUnframeable(decided);
    const callback = location(decided);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("state")).toBe(provider.lastState);
    expect(callback.searchParams.get("iss")).toBe(gatewayUrl); // RFC 9207
    code = callback.searchParams.get("code") ?? undefined;
  });

  it("signs in, consents and connects; tools are listed and called as the user", { timeout: 90_000 }, async () => {
    const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await expect(new Client({ name: "oauth-flow", version: "1.0.0" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(code).toBeTruthy();
    await first.finishAuth(code!);
    expect(provider.saved?.access_token).toBeTruthy();
    expect(provider.saved?.refresh_token).toBeTruthy();
    expect(provider.saved?.token_type.toLowerCase()).toBe("bearer");

    client = new Client({ name: "oauth-flow", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["search_contacts", "create_contact", "get_company", "mcp_whoami"]));

    const created: any = await client.callTool({ name: "create_contact", arguments: { body: { name: "Grace Hopper", email: "grace@example.com" } } });
    expect(created.isError, JSON.stringify(created)).toBeFalsy();
    const found: any = await client.callTool({ name: "search_contacts", arguments: { query: { q: "Hopper" } } });
    expect(found.isError, JSON.stringify(found)).toBeFalsy();
    expect(JSON.stringify(found.structuredContent)).toContain("grace@example.com");

    const whoami: any = await client.callTool({ name: "mcp_whoami", arguments: {} });
    const text = JSON.stringify(whoami.structuredContent ?? whoami.content);
    expect(text).toContain("oauth");
    expect(text).toContain("contacts:write");
  });

  it("refreshes through the SDK, rotates the refresh token and keeps working", { timeout: 60_000 }, async () => {
    const before = provider.saved!;
    // With tokens stored, the SDK's auth() takes its refresh path (grant_type=refresh_token).
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe("AUTHORIZED");
    const after = provider.saved!;
    expect(after.refresh_token).toBeTruthy();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(after.access_token).not.toBe(before.access_token);

    // The rotated refresh token is spent.
    const reuse = await fetch(`${gatewayUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: before.refresh_token!, client_id: provider.client!.client_id, resource: mcpUrl }),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe("invalid_grant");

    // Reuse inside the race window keeps the active chain: the client keeps working, on the
    // new access token, and can refresh again with the new refresh token.
    const search: any = await client.callTool({ name: "search_contacts", arguments: {} });
    expect(search.isError, JSON.stringify(search)).toBeFalsy();
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe("AUTHORIZED");
    expect(provider.saved!.refresh_token).not.toBe(after.refresh_token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("search_contacts");
    await client.close();
  });
});

describe("the consent screen's guards", () => {
  const browser = new Browser();
  beforeAll(async () => {
    await browser.signInChecked(admin.email, admin.password);
  });

  it("shows an unknown request as such, without redirecting anywhere", async () => {
    const page = await browser.get(`${dashboardUrl}/oauth/consent?request=${"x".repeat(43)}`);
    expect(page.status).toBe(200);
    expectUnframeable(page);
    expect(await page.text()).toContain("This authorization request is no longer valid");
  });

  it("refuses a decision posted from another origin or without the page's CSRF token", { timeout: 30_000 }, async () => {
    const { requestId, consentUrl } = await pendingRequest(browser);
    const form = await readConsentForm(await browser.get(consentUrl));
    const other = await pendingRequest(browser);
    const otherForm = await readConsentForm(await browser.get(other.consentUrl));
    const approve = (csrf: string, headers: Record<string, string>) =>
      browser.post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", csrf], ["scope", "contacts:read"], ["decision", "approve"]], headers);

    const foreign = await approve(form.csrf!, { origin: "https://evil.example" });
    expect(foreign.status).toBe(303);
    expect(location(foreign).toString()).toBe(`${dashboardUrl}/oauth/consent?request=${requestId}&error=origin`);
    const crossSite = await approve(form.csrf!, { "sec-fetch-site": "cross-site" });
    expect(location(crossSite).searchParams.get("error")).toBe("origin");
    const opaque = await approve(form.csrf!, { origin: "null", "sec-fetch-site": "cross-site" });
    expect(location(opaque).searchParams.get("error")).toBe("origin");
    const neither = await approve(form.csrf!, {});
    expect(location(neither).searchParams.get("error")).toBe("origin");
    // A token is bound to its request: another request's token does not pass.
    const wrongToken = await approve(otherForm.csrf!, { origin: dashboardUrl });
    expect(location(wrongToken).searchParams.get("error")).toBe("csrf");
    const noToken = await approve("", { origin: dashboardUrl });
    expect(location(noToken).searchParams.get("error")).toBe("csrf");
    // Without a session the token is worthless: off to sign in.
    const anonymous = await new Browser().post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", form.csrf!], ["decision", "approve"]], { origin: dashboardUrl });
    expect(location(anonymous).pathname).toBe("/login");

    // None of that decided anything: the form is still there and still works.
    const again = await readConsentForm(await browser.get(consentUrl));
    expect(again.csrf).toBe(form.csrf);
    const ok = await approve(form.csrf!, { origin: dashboardUrl });
    expect(location(ok).searchParams.get("code")).toBeTruthy();
  });

  it("refuses to approve with no scope checked, with a clear message", async () => {
    const { requestId, consentUrl } = await pendingRequest(browser);
    const form = await readConsentForm(await browser.get(consentUrl));
    const refused = await browser.post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", form.csrf!], ["decision", "approve"]], { origin: dashboardUrl });
    expect(refused.status).toBe(303);
    const back = location(refused);
    expect(back.origin).toBe(dashboardUrl);
    expect(back.searchParams.get("error")).toBe("no_scope");
    const page = await readConsentForm(await browser.get(back));
    expect(page.html).toContain("Select at least one permission to approve, or choose Deny.");
    expect(page.csrf).toBe(form.csrf);
  });

  it("shows a user outside the project's organization no form, and takes no decision from them", async () => {
    const { requestId, consentUrl } = await pendingRequest(browser);
    const form = await readConsentForm(await browser.get(consentUrl));
    const outsider = { email: `outsider-${randomBytes(4).toString("hex")}@example.com`, password: "outsider password 1" };
    await database.db.user.create({ data: { id: newId("user"), email: outsider.email, name: "Outsider", passwordHash: await hashPassword(outsider.password) } });
    const stranger = new Browser();
    await stranger.signIn(outsider.email, outsider.password);
    const page = await stranger.get(consentUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("You cannot approve this request");
    expect(html).not.toContain('name="csrf"');
    // The member's token is bound to the member: it is worthless in the outsider's session.
    const attempt = await stranger.post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", form.csrf!], ["scope", "contacts:read"], ["decision", "approve"]], { origin: dashboardUrl });
    expect(location(attempt).searchParams.get("error")).toBe("csrf");
    // The member still can.
    expect((await readConsentForm(await browser.get(consentUrl))).csrf).toBe(form.csrf);
  });

  it("takes no approval once the admin disabled MCP while the page was open, and says why", async () => {
    const { requestId, consentUrl } = await pendingRequest(browser);
    const form = await readConsentForm(await browser.get(consentUrl));
    const project = await database.db.project.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
    await setOAuthPolicy(database.db, { projectId: project.id, actor: { email: "test" }, mcpEnabled: false });
    try {
      const refused = await browser.post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", form.csrf!], ["scope", "contacts:read"], ["decision", "approve"]], { origin: dashboardUrl });
      const back = location(refused);
      expect(back.origin + back.pathname).toBe(`${dashboardUrl}/oauth/consent`);
      expect(back.searchParams.get("error")).toBe("mcp_disabled");
      expect(await (await browser.get(back)).text()).toContain("MCP is disabled for this project");
    } finally {
      await setOAuthPolicy(database.db, { projectId: project.id, actor: { email: "test" }, mcpEnabled: true });
    }
  });

  it("denies: access_denied with state and iss, and the request cannot be decided again", async () => {
    const { provider, requestId, consentUrl } = await pendingRequest(browser);
    const form = await readConsentForm(await browser.get(consentUrl));
    const denied = await browser.post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", form.csrf!], ["decision", "deny"]], { origin: dashboardUrl });
    expect(denied.status).toBe(303);
    const callback = location(denied);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(provider.lastState);
    expect(callback.searchParams.get("iss")).toBe(gatewayUrl);
    expect(callback.searchParams.get("code")).toBeNull();

    // Decided: the page says so, and a replayed approval goes back to it, not to the client.
    expect((await browser.get(consentUrl).then((r) => r.text()))).toContain("This authorization request is no longer valid");
    const replay = await browser.post(`${dashboardUrl}/oauth/consent/decide`, [["request", requestId], ["csrf", form.csrf!], ["scope", "contacts:read"], ["decision", "approve"]], { origin: dashboardUrl });
    expect(replay.status).toBe(303);
    expect(location(replay).origin).toBe(dashboardUrl);
    expect(location(replay).pathname).toBe("/oauth/consent");
  });
});
