import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { mcpClient, screenshot } from "../support/helpers.ts";

/**
 * Issue 4's consent screen in Chromium: an OAuth client registers (RFC 7591), sends the user
 * to the gateway's /oauth/authorize with PKCE S256; the user signs in on the dashboard,
 * approves a subset of the scopes (or denies), and the browser arrives at the client's
 * redirect URI with code, state and iss. The code buys a token limited to what was approved.
 */
const mcpUrl = `${urls.gateway}/p/demo/mcp`;
// The demo project's policy allows exactly this redirect URI (prisma/seed.ts). Chromium's
// request to it is answered by the test itself (page.route), standing in for the client's
// loopback listener without holding a fixed port on a shared machine.
const REDIRECT_URI = "http://localhost:3118/callback";
const CLIENT_NAME = "E2E consent client";

function demoAdmin(): { adminEmail: string; adminPassword: string } {
  return JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
}

async function registerClient(): Promise<string> {
  const response = await fetch(`${urls.gateway}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: CLIENT_NAME, redirect_uris: [REDIRECT_URI], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

/** A PKCE S256 authorization request for the demo project; no scope asked = the whole ceiling. */
function authorization(clientId: string) {
  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const url = new URL(`${urls.gateway}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state,
    resource: mcpUrl,
  }).toString();
  return { url: url.toString(), verifier, state };
}

/** Resolves with the URL Chromium is sent to at the client's redirect URI. */
async function callbackOf(page: Page): Promise<() => Promise<URL>> {
  let resolve!: (url: URL) => void;
  const arrived = new Promise<URL>((r) => (resolve = r));
  await page.route((url) => url.origin === new URL(REDIRECT_URI).origin, async (route) => {
    resolve(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>Client</title><p>You can close this window.</p>" });
  });
  return () => arrived;
}

/** Opens the authorization URL signed out: the dashboard asks for a sign-in, then shows the consent page. */
async function signInToConsent(page: Page, authorizeUrl: string) {
  const { adminEmail, adminPassword } = demoAdmin();
  await page.goto(authorizeUrl);
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Foauth%2Fconsent/);
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/oauth\/consent\?request=/);
  await expect(page.getByRole("heading", { name: /wants to use Demo CRM/ })).toBeVisible();
}

async function exchange(code: string, clientId: string, verifier: string) {
  const response = await fetch(`${urls.gateway}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: clientId, resource: mcpUrl }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string; scope: string; token_type: string };
}

test("a user approves a subset of the scopes; the token and the tool list are limited to it", async ({ page }) => {
  const clientId = await registerClient();
  const { url, verifier, state } = authorization(clientId);
  const callback = await callbackOf(page);
  await signInToConsent(page, url);

  await test.step("the consent page shows who asks, where it returns and what for", async () => {
    await expect(page.getByTestId("client-name")).toHaveText(CLIENT_NAME);
    await expect(page.getByText("self-declared")).toBeVisible();
    await expect(page.getByText("localhost:3118", { exact: true })).toBeVisible();
    await expect(page.getByText("Demo workspace")).toBeVisible();
    await expect(page.getByText("demo", { exact: true })).toBeVisible();
    const boxes = page.getByRole("checkbox");
    await expect(boxes).toHaveCount(4);
    for (const box of await boxes.all()) await expect(box).toBeChecked();
    await screenshot(page, "oauth-consent");
  });

  await test.step("approving with nothing checked is refused", async () => {
    for (const box of await page.getByRole("checkbox").all()) await box.uncheck();
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByText("Select at least one permission to approve, or choose Deny.")).toBeVisible();
    await expect(page).toHaveURL(/\/oauth\/consent\?request=/);
    for (const box of await page.getByRole("checkbox").all()) await box.check();
  });

  await test.step("uncheck contacts:write and approve", async () => {
    await page.getByRole("checkbox", { name: /contacts:write/ }).uncheck();
    await page.getByRole("button", { name: "Approve" }).click();
  });

  const arrived = await callback();
  expect(arrived.origin + arrived.pathname).toBe(REDIRECT_URI);
  expect(arrived.searchParams.get("state")).toBe(state);
  expect(arrived.searchParams.get("iss")).toBe(urls.gateway);
  const code = arrived.searchParams.get("code");
  expect(code).toBeTruthy();

  const tokens = await exchange(code!, clientId, verifier);
  expect(tokens.scope.split(" ").sort()).toEqual(["companies:read", "companies:write", "contacts:read"]);

  const client = await mcpClient(mcpUrl, tokens.access_token);
  const names = (await client.listTools()).tools.map((t) => t.name);
  expect(names).toEqual(expect.arrayContaining(["search_contacts", "get_contact", "list_companies", "create_company", "mcp_whoami"]));
  for (const write of ["create_contact", "update_contact", "delete_contact", "add_contact_note"]) expect(names).not.toContain(write);
  await client.close();
});

test("denying sends access_denied with state and iss", async ({ page }) => {
  const clientId = await registerClient();
  const { url, state } = authorization(clientId);
  const callback = await callbackOf(page);
  await signInToConsent(page, url);
  const consentUrl = page.url();
  await page.getByRole("button", { name: "Deny" }).click();
  const arrived = await callback();
  await page.waitForURL(`${REDIRECT_URI}?**`);
  expect(arrived.searchParams.get("error")).toBe("access_denied");
  expect(arrived.searchParams.get("state")).toBe(state);
  expect(arrived.searchParams.get("iss")).toBe(urls.gateway);
  expect(arrived.searchParams.get("code")).toBeNull();

  // The request is spent: opening the consent page again shows so instead of a form.
  await page.goto(consentUrl);
  await expect(page.getByRole("heading", { name: "This authorization request is no longer valid" })).toBeVisible();
});

test("the consent page refuses to be framed", async ({ page }) => {
  const clientId = await registerClient();
  const { url } = authorization(clientId);
  await signInToConsent(page, url);
  const consentUrl = page.url();
  const response = await page.reload();
  const headers = response!.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["cache-control"]).toContain("no-store");

  // A page that frames it gets nothing: Chromium blocks the frame. The framing page is served
  // from 127.0.0.1 too (same site, another port), so the session cookie goes along and the
  // frame would otherwise show the consent form rather than the sign-in page.
  const framer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><iframe id="f" src="${consentUrl}"></iframe>`));
  await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
  try {
    const consentLoaded = page.waitForResponse((r) => r.url() === consentUrl);
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
    expect((await consentLoaded).status()).toBe(200);
    await expect.poll(() => page.frames().find((f) => f !== page.mainFrame())?.url()).toMatch(/^chrome-error:/);
    await expect(page.frameLocator("#f").getByRole("button", { name: "Approve" })).toHaveCount(0);
  } finally {
    framer.close();
  }
});
