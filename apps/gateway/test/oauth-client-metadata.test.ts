import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createOutboundClient, decideAuthorization, getAuthorizationRequest, setOAuthPolicy, startAuthorization } from "@tengine/core";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/http/create-gateway.ts";
import { metadataDocument, startMetadataHost } from "./client-metadata-host.ts";
import { echoSchema, startUpstream, startWorld } from "./harness.ts";
import { approve, authorize, authorizeParams, consentRequestId, createUser, freePort, MemoryProvider, pkce, REDIRECT, registerPublic, setPolicy, startClockedGateway, token } from "./oauth-helpers.ts";

// Client ID Metadata Documents: a client whose client_id is the https URL of a JSON document
// describing it. The documents live on a real HTTPS server (a certificate made for the run,
// trusted by the gateway as an operator's private CA); the gateway fetches them through its
// SSRF-guarded pool. RFC 9207's `iss` is checked on every authorization response.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let host: Awaited<ReturnType<typeof startMetadataHost>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let locked: Awaited<ReturnType<World["createProjectWithKey"]>>;
let userId: string;
const ISSUER = "http://gateway.test";
let resource: string;
const { challenge, verifier } = pkce();

beforeAll(async () => {
  host = await startMetadataHost();
  world = await startWorld("oauthcimd", { upstreamCaCerts: host.ca });
  p = await world.createProjectWithKey("Metadata clients");
  locked = await world.createProjectWithKey("Locked clients");
  resource = `${ISSUER}/p/${p.project.slug}/mcp`;
  await setPolicy(world, p.project.id, { redirectUris: [REDIRECT, "https://good.example.com/cb"], scopes: ["contacts:read", "contacts:write"] });
  userId = await createUser(world);
}, 60_000);

afterAll(async () => {
  await world?.close();
  await host?.close();
});

const pageOf = (res: { status: number; location: string | null; text: string }) => ({ status: res.status, redirected: res.location !== null, text: res.text.replace(/<[^>]+>/g, " ").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ") });

describe("authorization server metadata", () => {
  it("advertises metadata documents and RFC 9207 iss, and keeps dynamic registration", async () => {
    const res = await fetch(`${world.base}/.well-known/oauth-authorization-server`);
    const metadata = (await res.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ client_id_metadata_document_supported: true, authorization_response_iss_parameter_supported: true, registration_endpoint: `${ISSUER}/oauth/register` });
    // DCR still registers clients.
    expect(await registerPublic(world.base)).toMatch(/^cli_/);
  });
});

describe("a client identified by its metadata document", () => {
  it("is fetched once, shown on the consent page with its hosts, approved with iss, and gets tokens without a secret", async () => {
    const clientId = host.publish("/clients/app.json", { body: metadataDocument(`${host.origin}/clients/app.json`, [REDIRECT]), headers: { "cache-control": "public, max-age=600" } });
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge, scope: "contacts:read" }));
    expect(res.status).toBe(302);
    const requestId = consentRequestId(res.location);
    const view = await getAuthorizationRequest(world.db, requestId);
    expect(view?.client).toMatchObject({ id: clientId, name: "Metadata Client", metadataDocument: true, metadataHost: new URL(host.origin).host });
    expect(view?.redirectHost).toBe("localhost:3118");

    const { code, redirect } = await approve(world, requestId, userId);
    expect(redirect.searchParams.get("iss")).toBe(ISSUER);
    expect(redirect.searchParams.get("state")).toBe("st-123");
    const tokens = await token(world.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId });
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: "Bearer", scope: "contacts:read" });
    const refreshed = await token(world.base, { grant_type: "refresh_token", refresh_token: tokens.json.refresh_token, client_id: clientId });
    expect(refreshed.status).toBe(200);
    // A metadata-document client is public: a secret is refused, not ignored.
    expect((await token(world.base, { grant_type: "refresh_token", refresh_token: refreshed.json.refresh_token, client_id: clientId, client_secret: "guess" })).status).toBe(401);

    // Within its max-age the stored copy is used: no second fetch.
    expect((await authorize(world.base, authorizeParams({ clientId, resource, challenge }))).status).toBe(302);
    expect(host.hits("/clients/app.json")).toBe(1);
  });

  it("sends iss with error redirects too, and with the user's denial (RFC 9207)", async () => {
    const clientId = host.publish("/clients/errors.json", { body: metadataDocument(`${host.origin}/clients/errors.json`, [REDIRECT]) });
    const wrongType = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), response_type: "token" });
    expect(wrongType.status).toBe(302);
    const error = new URL(wrongType.location!);
    expect(Object.fromEntries(error.searchParams)).toMatchObject({ error: "unsupported_response_type", state: "st-123", iss: ISSUER });

    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge }));
    const { redirectTo } = await decideAuthorization(world.db, { requestId: consentRequestId(res.location), userId, decision: "deny", issuer: ISSUER });
    expect(Object.fromEntries(new URL(redirectTo).searchParams)).toMatchObject({ error: "access_denied", iss: ISSUER });
  });

  it("is fetched again once its max-age passes, and a changed document takes effect then", async () => {
    const clocked = await startClockedGateway(world);
    try {
      const route = "/clients/short.json";
      const clientId = host.publish(route, { body: metadataDocument(`${host.origin}${route}`, [REDIRECT]), headers: { "cache-control": "max-age=60" } });
      const again = () => authorize(clocked.base, authorizeParams({ clientId, resource, challenge }));
      expect((await again()).status).toBe(302);
      expect((await again()).status).toBe(302);
      expect(host.hits(route)).toBe(1);
      // The client drops the redirect URI: after max-age the gateway sees it.
      host.publish(route, { body: metadataDocument(`${host.origin}${route}`, ["https://good.example.com/cb"]), headers: { "cache-control": "max-age=60" } });
      clocked.clock.now += 61_000;
      const refused = pageOf(await again());
      expect(host.hits(route)).toBe(2);
      expect(refused).toMatchObject({ status: 403, redirected: false });
      expect(refused.text).toContain("redirect_uri is not allowed");

      // no-store: every authorization fetches the document.
      const fresh = "/clients/no-store.json";
      const freshId = host.publish(fresh, { body: metadataDocument(`${host.origin}${fresh}`, [REDIRECT]), headers: { "cache-control": "no-store" } });
      for (let i = 0; i < 2; i++) expect((await authorize(clocked.base, authorizeParams({ clientId: freshId, resource, challenge }))).status).toBe(302);
      expect(host.hits(fresh)).toBe(2);
    } finally {
      await clocked.close();
    }
  });
});

describe("documents and client ids that are refused, with a page that says why", () => {
  const refusedWith = async (clientId: string, extra: Record<string, string> = {}) => pageOf(await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), ...extra }));

  it("a document above the size limit", async () => {
    const id = host.publish("/big.json", { body: metadataDocument(`${host.origin}/big.json`, [REDIRECT], { client_name: "Big", logo_uri: `https://example.com/${"x".repeat(6000)}` }) });
    expect(await refusedWith(id)).toMatchObject({ status: 400, redirected: false, text: expect.stringContaining(`${id} is larger than 5120 bytes`) });
  });

  it("a document whose client_id differs from its URL", async () => {
    const id = host.publish("/mismatch.json", { body: metadataDocument(`${host.origin}/other.json`, [REDIRECT]) });
    expect((await refusedWith(id)).text).toContain(`client_id in the document (${host.origin}/other.json) differs from the URL it was fetched from (${id})`);
  });

  it("an http client id, one without a path, and one with dot segments are refused before any fetch", async () => {
    const http = `http://127.0.0.1:${new URL(host.origin).port}/clients/app.json`;
    expect((await refusedWith(http)).text).toContain(`client_id ${http} must be an https URL`);
    expect((await refusedWith(`${host.origin}/`)).text).toContain("must have a path");
    expect((await refusedWith(`${host.origin}/clients/../app.json`)).text).toContain("must not contain . or .. path segments");
    expect(host.hits("/")).toBe(0);
  });

  it("a redirect_uri the document does not list", async () => {
    const id = host.publish("/narrow.json", { body: metadataDocument(`${host.origin}/narrow.json`, [REDIRECT]) });
    // On the project's allowlist, but not in the client's document.
    const page = await refusedWith(id, { redirect_uri: "https://good.example.com/cb" });
    expect(page).toMatchObject({ status: 403, redirected: false });
    expect(page.text).toContain("redirect_uri is not allowed");
  });

  it("documents that are not a public client's JSON metadata", async () => {
    const cases: Array<[string, Parameters<typeof host.publish>[1], string]> = [
      ["/secret.json", { body: metadataDocument(`${host.origin}/secret.json`, [REDIRECT], { client_secret: "s3cret" }) }, "must not contain client_secret"],
      ["/basic.json", { body: metadataDocument(`${host.origin}/basic.json`, [REDIRECT], { token_endpoint_auth_method: "client_secret_basic" }) }, "token_endpoint_auth_method client_secret_basic needs a shared secret"],
      ["/jwt.json", { body: metadataDocument(`${host.origin}/jwt.json`, [REDIRECT], { token_endpoint_auth_method: "private_key_jwt" }) }, "token_endpoint_auth_method private_key_jwt is not supported here; use none (PKCE)"],
      ["/no-redirects.json", { body: { client_id: `${host.origin}/no-redirects.json`, client_name: "x" } }, "redirect_uris is required"],
      ["/js.json", { body: metadataDocument(`${host.origin}/js.json`, ["javascript:alert(1)"]) }, "forbidden scheme javascript:"],
      ["/text.json", { body: "not json {", headers: { "content-type": "application/json" } }, "is not valid JSON"],
      ["/html.json", { body: "<html></html>", headers: { "content-type": "text/html" } }, "is served as text/html, not application/json"],
      ["/moved.json", { body: "", status: 302, headers: { location: "https://example.com/elsewhere.json" } }, "answered a redirect (302)"],
      ["/gone.json", { body: "", status: 404 }, "answered HTTP 404, not 200"],
    ];
    for (const [route, doc, message] of cases) {
      const page = await refusedWith(host.publish(route, doc));
      expect(page.status, route).toBe(400);
      expect(page.text, route).toContain(message);
    }
  });

  it("a document that does not arrive within the time limit", async () => {
    const id = host.publish("/slow.json", { body: metadataDocument(`${host.origin}/slow.json`, [REDIRECT]), delayMs: 1500 });
    const outbound = createOutboundClient({ allowPrivate: true, caCerts: host.ca });
    try {
      const result = await startAuthorization(world.db, new URLSearchParams(authorizeParams({ clientId: id, resource, challenge })), { issuer: ISSUER, clientMetadata: { outbound, timeoutMs: 300 } });
      expect(result).toMatchObject({ kind: "page", message: "Client metadata document refused", detail: `Could not fetch the client's metadata document ${id}: no complete answer within 300 ms.` });
    } finally {
      await outbound.close();
    }
  });

  it("a document on a host whose certificate the gateway does not trust (no private CA configured)", async () => {
    const id = host.publish("/untrusted.json", { body: metadataDocument(`${host.origin}/untrusted.json`, [REDIRECT]) });
    const systemRootsOnly = createOutboundClient({ allowPrivate: true });
    try {
      const result = await startAuthorization(world.db, new URLSearchParams(authorizeParams({ clientId: id, resource, challenge })), { issuer: ISSUER, clientMetadata: { outbound: systemRootsOnly } });
      expect(result).toMatchObject({ kind: "page", message: "Client metadata document refused", detail: expect.stringContaining(`Could not fetch the client's metadata document ${id}: `) });
      expect(await world.db.oAuthClient.count({ where: { id } })).toBe(0);
    } finally {
      await systemRootsOnly.close();
    }
  });

  it("a document on a private address, when the SSRF guard is on (the production default)", async () => {
    const id = host.publish("/private.json", { body: metadataDocument(`${host.origin}/private.json`, [REDIRECT]) });
    const guarded = createOutboundClient({ allowPrivate: false, caCerts: host.ca });
    try {
      const result = await startAuthorization(world.db, new URLSearchParams(authorizeParams({ clientId: id, resource, challenge })), { issuer: ISSUER, clientMetadata: { outbound: guarded } });
      expect(result).toMatchObject({ kind: "page", message: "Client metadata document refused" });
      expect((result as { detail: string }).detail).toMatch(/address 127\.0\.0\.1 is (a )?loopback/);
      expect(host.hits("/private.json")).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});

describe("fetches spend from the address's registration budget", () => {
  it("past the budget, a document that needs fetching is refused with 429; a stored copy is still used", async () => {
    const limited = await startClockedGateway(world, { oauthRegistrationLimit: { max: 2, windowMs: 3_600_000 } });
    try {
      const ids = ["/budget/a.json", "/budget/b.json", "/budget/c.json"].map((route) => host.publish(route, { body: metadataDocument(`${host.origin}${route}`, [REDIRECT]), headers: { "cache-control": "max-age=600" } }));
      const authorizeAt = (clientId: string) => authorize(limited.base, authorizeParams({ clientId, resource, challenge }));
      expect((await authorizeAt(ids[0]!)).status).toBe(302);
      expect((await authorizeAt(ids[1]!)).status).toBe(302);
      const refused = pageOf(await authorizeAt(ids[2]!));
      expect(refused).toMatchObject({ status: 429, redirected: false });
      expect(refused.text).toMatch(/Too many client metadata documents were fetched for this address; retry in \d+ s/);
      expect(host.hits("/budget/c.json")).toBe(0);
      // Unexpired copies cost nothing.
      expect((await authorizeAt(ids[0]!)).status).toBe(302);
    } finally {
      await limited.close();
    }
  });
});

describe("the project's OAuth policy applies to metadata-document clients", () => {
  it("a client not on the client-ID allowlist is refused without fetching its document; listed, it is admitted", async () => {
    const lockedResource = `${ISSUER}/p/${locked.project.slug}/mcp`;
    const someone = await registerPublic(world.base);
    await setPolicy(world, locked.project.id, { redirectUris: [REDIRECT], clientIds: [someone], scopes: ["contacts:read"] });
    const route = "/clients/locked.json";
    const clientId = host.publish(route, { body: metadataDocument(`${host.origin}${route}`, [REDIRECT]) });
    const refused = pageOf(await authorize(world.base, authorizeParams({ clientId, resource: lockedResource, challenge })));
    expect(refused).toMatchObject({ status: 403, redirected: false });
    expect(refused.text).toContain("OAuth client_id is not allowed");
    expect(host.hits(route)).toBe(0);

    await setOAuthPolicy(world.db, { projectId: locked.project.id, clientIds: [someone, clientId], actor: { userId } });
    expect((await authorize(world.base, authorizeParams({ clientId, resource: lockedResource, challenge }))).status).toBe(302);
    // Scopes beyond the ceiling: refused like for any client.
    const beyond = pageOf(await authorize(world.base, authorizeParams({ clientId, resource: lockedResource, challenge, scope: "contacts:write" })));
    expect(beyond).toMatchObject({ status: 403, redirected: false });
    expect(beyond.text).toContain("Requested scopes are not allowed");
  });

  it("the client-ID allowlist accepts metadata URLs and refuses ones that cannot be", async () => {
    await expect(setOAuthPolicy(world.db, { projectId: locked.project.id, clientIds: ["http://app.example.com/client.json"], actor: { userId } })).rejects.toThrow("client ids: client_id http://app.example.com/client.json must be an https URL");
    await expect(setOAuthPolicy(world.db, { projectId: locked.project.id, clientIds: ["https://app.example.com/"], actor: { userId } })).rejects.toThrow(/must have a path/);
  });
});

describe("the MCP SDK client's own OAuth flow with a metadata URL as its client id", () => {
  let gateway: Awaited<ReturnType<typeof createGateway>>;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let base: string;
  let mcpUrl: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = await createGateway({ ...world.config, publicUrl: base, dashboardUrl: "http://dashboard.test" }, { logger: pino({ level: "silent" }, new Writable({ write(_c, _e, cb) { cb(); } })) });
    await gateway.listen(port, "127.0.0.1");
    const { project } = await world.createProjectWithKey("SDK metadata client");
    mcpUrl = `${base}/p/${project.slug}/mcp`;
    await setPolicy(world, project.id, { redirectUris: [REDIRECT], scopes: ["contacts:read"] });
    await world.addTool(project.id, { inputSchema: echoSchema, method: "POST", url: `${upstream.url}/crm`, body: { name: "{{input.name}}" }, name: "list_contacts", description: "Lists contacts", requiredScopes: ["contacts:read"] });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("authorizes without registering, then lists and calls tools", async () => {
    const route = "/sdk/client.json";
    const provider = Object.assign(new MemoryProvider("sdk-state", "SDK metadata client"), { clientMetadataUrl: `${host.origin}${route}` });
    host.publish(route, { body: { ...provider.clientMetadata, client_id: provider.clientMetadataUrl } });
    const registrations = () => world.db.oAuthClient.count({ where: { id: { startsWith: "cli_" } } });
    const before = await registrations();

    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await expect(new Client({ name: "t", version: "1" }).connect(transport)).rejects.toThrow(/Unauthorized/);
    expect(provider.client.client_id).toBe(provider.clientMetadataUrl);
    const authUrl = provider.authorizationUrl!;
    expect(authUrl.searchParams.get("client_id")).toBe(provider.clientMetadataUrl);

    const res = await fetch(authUrl, { redirect: "manual" });
    expect(res.status).toBe(302);
    const requestId = new URL(res.headers.get("location")!).searchParams.get("request")!;
    const { redirectTo } = await decideAuthorization(world.db, { requestId, userId, decision: "approve", issuer: base });
    const callback = new URL(redirectTo);
    expect(callback.searchParams.get("iss")).toBe(base);
    await transport.finishAuth(callback.searchParams.get("code")!);
    expect(provider.saved.access_token).toBeTruthy();

    const client = new Client({ name: "tengine-oauth-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("list_contacts");
    const called: any = await client.callTool({ name: "list_contacts", arguments: { name: "Ada" } });
    expect(called.isError).toBeFalsy();
    await client.close();
    // No dynamic registration happened.
    expect(await registrations()).toBe(before);
    expect(host.hits(route)).toBe(1);
  });
});
