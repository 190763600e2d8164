import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { decideAuthorization } from "@tengine/core";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/http/create-gateway.ts";
import { createUser, freePort, MemoryProvider, REDIRECT, setPolicy } from "./oauth-helpers.ts";
import { echoSchema, startUpstream, startWorld } from "./harness.ts";

// The official MCP SDK client runs its own OAuth flow — discovery (RFC 9728 → RFC 8414), dynamic
// registration, PKCE authorization, code exchange, refresh — against a gateway whose public
// URL is its real address. The test plays the browser: it follows the authorization URL to the
// consent hand-off and approves exactly as the dashboard's consent form does.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gateway: Awaited<ReturnType<typeof createGateway>>;
let base: string;
let mcpUrl: string;
let userId: string;

beforeAll(async () => {
  world = await startWorld("oauthsdk");
  upstream = await startUpstream();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = await createGateway({ ...world.config, publicUrl: base, dashboardUrl: "http://dashboard.test" }, { logger: pino({ level: "silent" }, new Writable({ write(_c, _e, cb) { cb(); } })) });
  await gateway.listen(port, "127.0.0.1");
  const { project } = await world.createProjectWithKey("SDK flow");
  mcpUrl = `${base}/p/${project.slug}/mcp`;
  await setPolicy(world, project.id, { redirectUris: [REDIRECT], scopes: ["contacts:read", "contacts:write"] });
  const tool = { inputSchema: echoSchema, method: "POST", url: `${upstream.url}/crm`, body: { name: "{{input.name}}" } } as const;
  await world.addTool(project.id, { ...tool, name: "list_contacts", description: "Lists contacts", requiredScopes: ["contacts:read"] });
  await world.addTool(project.id, { ...tool, name: "create_contact", description: "Creates a contact", requiredScopes: ["contacts:write"] });
  userId = await createUser(world);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await world?.close();
  await upstream?.close();
});

/** The browser: follow the authorization URL to the consent page and approve; returns the code. */
async function playBrowser(provider: MemoryProvider, scopes?: string[]) {
  const res = await fetch(provider.authorizationUrl!, { redirect: "manual" });
  expect(res.status).toBe(302);
  const consent = new URL(res.headers.get("location")!);
  expect(`${consent.origin}${consent.pathname}`).toBe("http://dashboard.test/oauth/consent");
  const { redirectTo } = await decideAuthorization(world.db, { requestId: consent.searchParams.get("request")!, userId, decision: "approve", issuer: base, ...(scopes ? { scopes } : {}) });
  const callback = new URL(redirectTo);
  expect(callback.searchParams.get("state")).toBe("sdk-state");
  expect(callback.searchParams.get("iss")).toBe(base);
  provider.authorizationUrl = undefined;
  return callback.searchParams.get("code")!;
}

async function connect(provider: MemoryProvider) {
  const client = new Client({ name: "tengine-oauth-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  return client;
}

describe("the MCP SDK client's own OAuth flow", () => {
  it("discovers, registers, authorizes with PKCE, lists and calls tools, refreshes and rotates", async () => {
    const provider = new MemoryProvider();
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await expect(new Client({ name: "t", version: "1" }).connect(transport)).rejects.toThrow(/Unauthorized/);

    expect(provider.client.client_id).toMatch(/^cli_/);
    const authUrl = provider.authorizationUrl!;
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${base}/oauth/authorize`);
    expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({ response_type: "code", code_challenge_method: "S256", resource: mcpUrl, scope: "contacts:read contacts:write", redirect_uri: REDIRECT });

    await transport.finishAuth(await playBrowser(provider));
    expect(provider.saved.access_token).toBeTruthy();
    const firstRefresh = provider.saved.refresh_token;

    const client = await connect(provider);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["create_contact", "list_contacts", "mcp_whoami", "tengine_run_status"]);
    const created: any = await client.callTool({ name: "create_contact", arguments: { name: "Ada" } });
    expect(created.isError).toBeFalsy();
    expect(JSON.parse(upstream.requests.at(-1)!.body.toString())).toEqual({ name: "Ada" });
    await client.close();

    // The access token stops working (as when it expires): the SDK refreshes on the 401 and
    // retries; the refresh token rotates, and the old one is refused.
    provider.saved = { ...provider.saved, access_token: "eyJhbGciOiJFUzI1NiJ9.e30.invalid" };
    const again = await connect(provider);
    expect((await again.listTools()).tools.length).toBe(4);
    await again.close();
    expect(provider.saved.refresh_token).not.toBe(firstRefresh);
    const reuse = await fetch(`${base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: firstRefresh, client_id: provider.client.client_id }) });
    expect(((await reuse.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("step-up: a 403 insufficient_scope makes the SDK ask for the missing scope", async () => {
    const provider = new MemoryProvider();
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await expect(new Client({ name: "t", version: "1" }).connect(transport)).rejects.toThrow(/Unauthorized/);
    await transport.finishAuth(await playBrowser(provider, ["contacts:read"])); // the user approved a subset
    expect(provider.saved.refresh_token).toBeTruthy();

    // The SDK refreshes first after the 403; the gateway refuses that refresh (the grant lacks
    // the scope, a refresh cannot widen it), so the SDK authorizes again asking for the scope.
    const client = await connect(provider);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain("create_contact");
    await expect(client.callTool({ name: "create_contact", arguments: { name: "Bob" } })).rejects.toThrow(/Unauthorized/);
    expect(provider.authorizationUrl!.searchParams.get("scope")).toBe("contacts:write");
    await client.close().catch(() => {});

    const stepUp = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await stepUp.finishAuth(await playBrowser(provider));
    expect(provider.saved.scope).toBe("contacts:write");
    const upgraded = await connect(provider);
    const result: any = await upgraded.callTool({ name: "create_contact", arguments: { name: "Bob" } });
    expect(result.isError).toBeFalsy();
    await upgraded.close();
  });
});
