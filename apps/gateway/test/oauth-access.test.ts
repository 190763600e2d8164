import { generateKeyPair, SignJWT, decodeJwt } from "jose";
import { GatewayKeys, mintAccessToken } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, obtainTokens, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";
import { connectClient, echoSchema, rpc, startUpstream, startWorld } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let a: Awaited<ReturnType<World["createProjectWithKey"]>>;
let b: Awaited<ReturnType<World["createProjectWithKey"]>>;
let clientId: string;
let userId: string;
const ISSUER = "http://gateway.test";
const CEILING = ["contacts:read", "contacts:write", "deals:read"];
const resourceOf = (slug: string) => `${ISSUER}/p/${slug}/mcp`;

beforeAll(async () => {
  world = await startWorld("oauthaccess");
  upstream = await startUpstream();
  a = await world.createProjectWithKey("Project A");
  b = await world.createProjectWithKey("Project B");
  for (const project of [a, b]) {
    await setPolicy(world, project.project.id, { redirectUris: [REDIRECT], scopes: CEILING });
    const base = { inputSchema: echoSchema, method: "POST", url: `${upstream.url}/crm`, body: { q: "{{input.q}}" } } as const;
    await world.addTool(project.project.id, { ...base, name: "read_contacts", description: "r", requiredScopes: ["contacts:read"] });
    await world.addTool(project.project.id, { ...base, name: "write_contacts", description: "w", requiredScopes: ["contacts:write"] });
    await world.addTool(project.project.id, { ...base, name: "read_deals", description: "d", requiredScopes: ["deals:read"] });
  }
  clientId = await registerPublic(world.base);
  userId = await createUser(world);
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const grant = (scope?: string, project = a) => obtainTokens(world, { base: world.base, clientId, resource: resourceOf(project.project.slug), userId, ...(scope !== undefined ? { scope } : {}) });
const list = (url: string, accessToken: string) => rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${accessToken}` });
const names = (res: Awaited<ReturnType<typeof list>>) => res.json.result.tools.map((t: any) => t.name).sort();

function expectValidationFailed(res: Awaited<ReturnType<typeof list>>) {
  expect(res.status).toBe(401);
  expect(res.json.error.message).toMatch(/^Unauthorized: Token validation failed/);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token", resource_metadata="http:\/\/gateway\.test\/\.well-known\/oauth-protected-resource\/p\/.*\/mcp", error_description="Token validation failed/);
}

describe("the official MCP SDK client with an OAuth access token", () => {
  it("lists the tools its scopes allow and calls one; whoami shows the OAuth principal", async () => {
    const t = await grant("contacts:read deals:read");
    const client = await connectClient(a.mcpUrl, t.access_token);
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(["mcp_whoami", "read_contacts", "read_deals", "tengine_run_status"]);
    const result: any = await client.callTool({ name: "read_contacts", arguments: { q: "ada" } });
    expect(result.isError).toBeFalsy();
    const sent = upstream.requests.at(-1)!;
    expect(sent.headers["x-tengine-principal"]).toBe("oauth");
    expect(sent.headers["x-tengine-user-id"]).toBe(userId);
    expect(sent.headers["x-tengine-client-id"]).toBe(clientId);
    const who: any = await client.callTool({ name: "mcp_whoami", arguments: {} });
    expect(who.structuredContent).toMatchObject({ kind: "oauth", userId, clientId, scopes: ["contacts:read", "deals:read"], project: { slug: a.project.slug } });
    expect(Date.parse(who.structuredContent.expiresAt)).toBe((decodeJwt(t.access_token).exp as number) * 1000);
    await client.close();
    const connection = await world.db.oAuthConnection.findUniqueOrThrow({ where: { id: decodeJwt(t.access_token).cid as string } });
    expect(connection.lastUsedAt).not.toBeNull();
  });

  it("a tool outside its scopes: 403 insufficient_scope with scope= and resource_metadata for step-up", async () => {
    const t = await grant("contacts:read");
    const res = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "write_contacts", arguments: {} } }, { authorization: `Bearer ${t.access_token}` });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toBe("Tool requires scopes: contacts:write");
    const challenge = res.headers.get("www-authenticate")!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="contacts:write"');
    expect(challenge).toContain(`resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/p/${a.project.slug}/mcp"`);
  });

  it("works at the root /mcp too: the token's audience names the project", async () => {
    const t = await grant("contacts:read");
    const res = await list(`${world.base}/mcp`, t.access_token);
    expect(res.status).toBe(200);
    expect(names(res)).toContain("read_contacts");
  });
});

describe("hostile tokens", () => {
  it("project A's token at project B → 401", async () => {
    const t = await grant();
    const res = await list(b.mcpUrl, t.access_token);
    expect(res.status).toBe(401);
    expect(res.json.error.message).toBe("Unauthorized: Token validation failed: the token is for another resource");
  });

  it("an expired token → 401", async () => {
    const t = await grant();
    const claims = decodeJwt(t.access_token);
    const keys = new GatewayKeys(world.db, world.secretBox);
    const old = await mintAccessToken({ gatewayKeys: keys, issuer: ISSUER }, { resource: resourceOf(a.project.slug), userId, clientId, connectionId: claims.cid as string, scopes: ["contacts:read"], nowMs: Date.now() - 20 * 60_000 });
    const res = await list(a.mcpUrl, old.token);
    expect(res.status).toBe(401);
    expect(res.json.error.message).toBe("Unauthorized: Token validation failed: the access token expired; refresh it");
  });

  it("alg none → 401", async () => {
    const t = await grant();
    const [, payload] = t.access_token.split(".");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url");
    const res = await list(a.mcpUrl, `${header}.${payload}.`);
    expectValidationFailed(res);
  });

  it("signed with another key under the gateway's kid → 401", async () => {
    const t = await grant();
    const claims = decodeJwt(t.access_token);
    const kid = (JSON.parse(Buffer.from(t.access_token.split(".")[0]!, "base64url").toString()) as { kid: string }).kid;
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ ...claims, scope: "contacts:read contacts:write deals:read" }).setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" }).sign(privateKey);
    const res = await list(a.mcpUrl, forged);
    expectValidationFailed(res);
    expect(res.json.error.message).toContain("signature is invalid");
  });

  it("HS256 with the public key as secret (algorithm confusion) → 401", async () => {
    const t = await grant();
    const claims = decodeJwt(t.access_token);
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "at+jwt" }).sign(new TextEncoder().encode("x".repeat(32)));
    expectValidationFailed(await list(a.mcpUrl, forged));
  });

  it("a token with a revoked connection → 401", async () => {
    const t = await grant();
    await world.db.oAuthConnection.update({ where: { id: decodeJwt(t.access_token).cid as string }, data: { revokedAt: new Date(), revokedReason: "user" } });
    expectValidationFailed(await list(a.mcpUrl, t.access_token));
  });

  it("a user removed from the workspace → 401", async () => {
    const leaver = await createUser(world);
    const t = await obtainTokens(world, { base: world.base, clientId, resource: resourceOf(a.project.slug), userId: leaver });
    expect((await list(a.mcpUrl, t.access_token)).status).toBe(200);
    await world.db.membership.deleteMany({ where: { userId: leaver } });
    expectValidationFailed(await list(a.mcpUrl, t.access_token));
  });
});

describe("policy tightened after the grant → `Token validation failed` at once", () => {
  it("a lower ceiling", async () => {
    const t = await grant("contacts:write");
    expect((await list(a.mcpUrl, t.access_token)).status).toBe(200);
    await setPolicy(world, a.project.id, { scopes: ["contacts:read", "deals:read"] });
    try {
      expectValidationFailed(await list(a.mcpUrl, t.access_token));
      // a token within the lower ceiling still works (write → read is not a narrowing of the token)
      const narrow = await grant("contacts:read");
      expect((await list(a.mcpUrl, narrow.access_token)).status).toBe(200);
    } finally {
      await setPolicy(world, a.project.id, { scopes: CEILING });
    }
    expect((await list(a.mcpUrl, t.access_token)).status).toBe(200);
  });

  it("MCP disabled: OAuth tokens fail validation; API keys get 403 `MCP is disabled for this project`", async () => {
    const t = await grant();
    await setPolicy(world, a.project.id, { mcpEnabled: false });
    try {
      expectValidationFailed(await list(a.mcpUrl, t.access_token));
      const key = await list(a.mcpUrl, a.key);
      expect(key.status).toBe(403);
      expect(key.json.error.message).toBe("MCP is disabled for this project");
      expect(key.headers.get("www-authenticate")).toBeNull();
      const refresh = await fetch(`${world.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId }) });
      expect(await refresh.json()).toEqual({ error: "invalid_grant", error_description: "MCP is disabled for this project" });
    } finally {
      await setPolicy(world, a.project.id, { mcpEnabled: true });
    }
    expect((await list(a.mcpUrl, a.key)).status).toBe(200);
  });

  it("the client no longer allowed", async () => {
    const t = await grant();
    const otherClient = await registerPublic(world.base);
    await setPolicy(world, a.project.id, { clientIds: [otherClient] });
    try {
      expectValidationFailed(await list(a.mcpUrl, t.access_token));
    } finally {
      await setPolicy(world, a.project.id, { clientIds: [] });
    }
  });

  it("reaches a second replica at once (no cache)", async () => {
    const replica = await world.startReplica();
    const t = await grant();
    const url = replica.mcpUrl(a.project.slug);
    expect((await list(url, t.access_token)).status).toBe(200);
    await world.db.oAuthConnection.update({ where: { id: decodeJwt(t.access_token).cid as string }, data: { revokedAt: new Date(), revokedReason: "admin" } });
    expectValidationFailed(await list(url, t.access_token));
  });
});
