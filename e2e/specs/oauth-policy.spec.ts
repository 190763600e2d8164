import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { mcpClient, screenshot, signIn, open, reload } from "../support/helpers.ts";

/**
 * Issue 4 items 5 and 7: an admin edits the demo project's OAuth policy on its OAuth page and
 * the gateway follows on the next request (protected-resource metadata, /oauth/authorize, the
 * MCP endpoint); bad input is refused with a clear message and the form keeps what was typed.
 * A user then finds their connection on "My connections", revokes it, and its token stops.
 */
const mcpUrl = `${urls.gateway}/p/demo/mcp`;
const metadataUrl = `${urls.gateway}/.well-known/oauth-protected-resource/p/demo/mcp`;
const CLAUDE_REDIRECT = "http://localhost:3118/callback";
const SEEDED_SCOPES = ["companies:read", "companies:write", "contacts:read", "contacts:write"];

type Credentials = { adminEmail: string; adminPassword: string; apiKey: string };
const credentials = (): Credentials => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));

async function scopesSupported(): Promise<string[]> {
  const response = await fetch(metadataUrl);
  expect(response.status).toBe(200);
  return ((await response.json()) as { scopes_supported: string[] }).scopes_supported;
}

/** A raw MCP request, to see the HTTP status the gateway answers with. */
function mcpPost(token: string) {
  return fetch(mcpUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } } }),
  });
}

async function registerClient(name: string): Promise<string> {
  const response = await fetch(`${urls.gateway}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: [CLAUDE_REDIRECT], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

function authorizeUrl(clientId: string) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${urls.gateway}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: CLAUDE_REDIRECT,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: randomBytes(8).toString("base64url"),
    resource: mcpUrl,
  }).toString();
  return { url: url.toString(), verifier };
}

/** Answers Chromium's request to the client's loopback redirect URI, as the client would. */
async function catchCallback(page: Page): Promise<{ arrived: Promise<URL> }> {
  let resolve!: (url: URL) => void;
  const arrived = new Promise<URL>((r) => (resolve = r));
  await page.route((url) => url.origin === new URL(CLAUDE_REDIRECT).origin, async (route) => {
    resolve(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>Client</title><p>Done.</p>" });
  });
  // Wrapped: an async function returning the bare promise would wait for the callback itself.
  return { arrived };
}

async function openOAuthPage(page: Page) {
  await open(page, "/projects/demo");
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "OAuth" }).click();
  await expect(page).toHaveURL(/\/projects\/demo\/oauth$/);
}

async function save(page: Page) {
  await page.getByRole("button", { name: "Save policy" }).click();
}

/** The save went through and the page re-rendered with the stored policy (nothing left to save). */
async function saved(page: Page) {
  await expect(page.getByRole("status").filter({ hasText: "Policy saved" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save policy" })).toBeDisabled();
}

test("an admin edits the OAuth policy; bad input keeps the form; the gateway follows at once", async ({ page }) => {
  const { adminEmail, adminPassword, apiKey } = credentials();
  await signIn(page, adminEmail, adminPassword);
  await openOAuthPage(page);
  const enabled = page.getByLabel("MCP endpoint enabled");
  const redirects = page.getByLabel("Allowed redirect URIs");
  const scopes = page.getByLabel("Policy scopes");

  await test.step("the page shows the MCP URL, the Claude Code command and the seeded policy", async () => {
    await expect(page.getByTestId("oauth-mcp-url")).toHaveText(mcpUrl);
    await expect(page.getByTestId("oauth-claude-command")).toHaveText(`claude mcp add --transport http --callback-port 3118 demo ${mcpUrl}`);
    await expect(page.getByRole("button", { name: "Copy command" })).toBeVisible();
    await expect(enabled).toBeChecked();
    await expect(redirects).toHaveValue(CLAUDE_REDIRECT);
    await expect(scopes).toHaveValue(SEEDED_SCOPES.join(" "));
    expect(await scopesSupported()).toEqual(SEEDED_SCOPES);
  });

  await test.step("ftp://x is refused with a clear message and the typed values stay", async () => {
    await redirects.fill(`${CLAUDE_REDIRECT}\nftp://x`);
    await scopes.fill(`${SEEDED_SCOPES.join(" ")} reports:read`);
    await save(page);
    await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
    await expect(page.getByText('"ftp://x": redirect URIs must use https:// (or http:// for localhost)')).toBeVisible();
    await expect(redirects).toHaveAttribute("aria-invalid", "true");
    await expect(redirects).toHaveValue(`${CLAUDE_REDIRECT}\nftp://x`);
    await expect(scopes).toHaveValue(`${SEEDED_SCOPES.join(" ")} reports:read`);
    expect(await scopesSupported()).toEqual(SEEDED_SCOPES);

    await redirects.fill(`${CLAUDE_REDIRECT}\nhttp://app.example.com/cb`);
    await save(page);
    await expect(page.getByText('"http://app.example.com/cb": plain http:// is only allowed for localhost, 127.0.0.1 and [::1]; use https://')).toBeVisible();
  });

  await test.step("adding a redirect URI and a scope shows up in the protected-resource metadata", async () => {
    await redirects.fill(`${CLAUDE_REDIRECT}\nhttps://app.example.com/oauth/callback`);
    await save(page);
    await saved(page);
    await expect.poll(scopesSupported).toEqual([...SEEDED_SCOPES, "reports:read"]);
    await reload(page);
    await expect(redirects).toHaveValue(`${CLAUDE_REDIRECT}\nhttps://app.example.com/oauth/callback`);
    await expect(scopes).toHaveValue(`${SEEDED_SCOPES.join(" ")} reports:read`);
    await screenshot(page, "oauth-policy");
  });

  await test.step("disabling MCP closes the endpoint and the authorization server at once; enabling reopens them", async () => {
    expect((await mcpPost(apiKey)).status).toBe(200);
    await enabled.uncheck();
    await expect(page.getByText("AI clients, API keys and member sessions cannot list or call tools")).toBeVisible();
    await save(page);
    await saved(page);
    await expect.poll(async () => (await mcpPost(apiKey)).status).toBe(403);
    expect(await (await mcpPost(apiKey)).text()).toContain("MCP is disabled for this project");

    const clientId = await registerClient("E2E policy client");
    const authorize = await page.context().newPage();
    await authorize.goto(authorizeUrl(clientId).url);
    await expect(authorize.getByRole("heading", { name: "MCP is disabled for this project" })).toBeVisible();
    await authorize.close();

    await enabled.check();
    await save(page);
    await saved(page);
    await expect.poll(async () => (await mcpPost(apiKey)).status).toBe(200);
  });

  await test.step("restore the seeded policy for the specs that follow", async () => {
    await redirects.fill(CLAUDE_REDIRECT);
    await scopes.fill(SEEDED_SCOPES.join(", "));
    await save(page);
    await saved(page);
    await expect.poll(scopesSupported).toEqual(SEEDED_SCOPES);
    await expect(scopes).toHaveValue(SEEDED_SCOPES.join(" "));
  });
});

/** Runs the OAuth flow in the signed-in page (unchecking the scopes in `uncheck`) and returns the access token. */
async function connect(page: Page, clientName: string, uncheck: string[] = []): Promise<string> {
  const clientId = await registerClient(clientName);
  const { url, verifier } = authorizeUrl(clientId);
  const { arrived } = await catchCallback(page);
  await open(page, url);
  await expect(page).toHaveURL(/\/oauth\/consent\?request=/);
  for (const scope of uncheck) await page.getByRole("checkbox", { name: new RegExp(scope) }).uncheck();
  await page.getByRole("button", { name: "Approve" }).click();
  const code = (await arrived).searchParams.get("code");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  expect(code).toBeTruthy();
  const response = await fetch(`${urls.gateway}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code: code!, code_verifier: verifier, redirect_uri: CLAUDE_REDIRECT, client_id: clientId, resource: mcpUrl }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

test("a user revokes a connection under My connections; its token stops at once", async ({ page }) => {
  const { adminEmail, adminPassword } = credentials();
  await signIn(page, adminEmail, adminPassword);
  const clientName = `E2E revoke client ${Date.now()}`;
  const accessToken = await connect(page, clientName, ["contacts:write"]);
  const client = await mcpClient(mcpUrl, accessToken);
  expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  await client.close();

  await test.step("the project's OAuth page lists the connection with user, client and scopes", async () => {
    await openOAuthPage(page);
    const row = page.getByRole("row").filter({ hasText: clientName });
    await expect(row).toContainText(adminEmail);
    await expect(row).toContainText("contacts:read");
    await expect(row).not.toContainText("contacts:write");
    await expect(row).toContainText("active");
  });

  await test.step("My connections: revoke after a confirmation", async () => {
    await page.getByRole("link", { name: "My connections" }).click();
    await expect(page).toHaveURL(/\/connections$/);
    await expect(page.getByRole("heading", { name: "My connections" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: clientName });
    await expect(row).toContainText("Demo CRM");
    await row.getByRole("button", { name: `Revoke ${clientName} for you` }).click();
    const dialog = page.getByRole("dialog", { name: `Revoke ${clientName}?` });
    await expect(dialog).toContainText("stop working at once");
    await dialog.getByRole("button", { name: "Revoke connection" }).click();
    await expect(row).toContainText("revoked");
    await expect(row).toContainText("by the user");
    await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
    await screenshot(page, "my-connections");
  });

  await test.step("the gateway refuses the token and the admin page shows the revocation", async () => {
    const refused = await mcpPost(accessToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await openOAuthPage(page);
    await expect(page.getByRole("row").filter({ hasText: clientName })).toContainText("revoked");
  });
});

test("an admin revokes a connection from the project's OAuth page; its token stops at once", async ({ page }) => {
  const { adminEmail, adminPassword } = credentials();
  await signIn(page, adminEmail, adminPassword);
  const clientName = `E2E admin revoke client ${Date.now()}`;
  const accessToken = await connect(page, clientName);
  expect((await mcpPost(accessToken)).status).toBe(200);

  await openOAuthPage(page);
  const row = page.getByRole("row").filter({ hasText: clientName });
  await expect(row).toContainText("contacts:write");
  await row.getByRole("button", { name: `Revoke ${clientName} for you` }).click();
  await page.getByRole("dialog", { name: `Revoke ${clientName}?` }).getByRole("button", { name: "Revoke connection" }).click();
  await expect(row).toContainText("revoked");
  expect((await mcpPost(accessToken)).status).toBe(401);
});
