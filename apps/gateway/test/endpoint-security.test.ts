import { createApiKey, createOrganization, createProject, revokeApiKey, revokeConnection, setMemberAssertionSecret } from "@tengine/core";
import { createMemberAssertion, mintMemberSession } from "@tengine/sdk";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATEWAY_ROUTES, type GatewayRouteName } from "../src/http/routes.ts";
import { createUser, obtainCode, obtainTokens, REDIRECT, register, registerPublic, setPolicy, token } from "./oauth-helpers.ts";
import { rpc, startUpstream, startWorld } from "./harness.ts";

// The shared security suite: every authenticated gateway endpoint, once per kind of
// credential it accepts, runs the same five cases — no credential, a bad one, another
// tenant's, a role (scope) too low, a revoked one. The list is checked against the gateway's
// route table, so a route added without a row here fails this file.

type World = Awaited<ReturnType<typeof startWorld>>;
type Project = Awaited<ReturnType<World["createProjectWithKey"]>>;
type Case = "no credential" | "a bad credential" | "another tenant's credential" | "a role too low" | "a revoked credential";
type Suite = { route: GatewayRouteName; credential: string; cases: Record<Case, () => Promise<void>> };

let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let a: Project;
let b: Project;
const secrets: Record<string, string> = {};
let publicClient: string;
let confidential: { id: string; secret: string };
let userId: string;
const CEILING = ["items:read", "items:write"];

beforeAll(async () => {
  world = await startWorld("endpointsec");
  upstream = await startUpstream();
  a = await world.createProjectWithKey("Tenant A");
  b = await world.createProjectWithKey("Tenant B");
  for (const p of [a, b]) {
    await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes: CEILING });
    secrets[p.project.id] = (await setMemberAssertionSecret(world.db, world.secretBox, p.project.id)).secret;
    const tool = { inputSchema: { type: "object" }, method: "POST" as const, url: `${upstream.url}/${p.project.slug}/write`, requiredScopes: ["items:write"] };
    await world.addTool(p.project.id, { ...tool, name: "write_item", description: "writes" });
  }
  publicClient = await registerPublic(world.base);
  const reg = await register(world.base, { client_name: "Confidential", redirect_uris: [REDIRECT] });
  confidential = { id: reg.json.client_id, secret: reg.json.client_secret };
  userId = await createUser(world);
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

// ---- helpers: fresh credentials per case, so a revocation never affects another case ----

const resourceOf = (p: Project) => `${world.config.publicUrl}/p/${p.project.slug}/mcp`;
const key = async (p: Project, scopes: string[] = []) => createApiKey(world.db, p.project.id, { name: "suite", scopes });
const session = async (p: Project, apiKey: string, scopes?: string[]) =>
  (await mintMemberSession({ gatewayUrl: world.base, apiKey, assertion: await createMemberAssertion({ secret: secrets[p.project.id]! }, { sub: "member_1", audience: world.config.publicUrl, ...(scopes ? { scopes } : {}) }) })).token;
const grant = (p: Project, scope = "items:read items:write") => obtainTokens(world, { base: world.base, clientId: publicClient, resource: resourceOf(p), userId, scope });
/** Tokens for the confidential client (it authenticates with its secret at the token endpoint). */
async function grantConfidential(p: Project) {
  const { code, verifier } = await obtainCode(world, { base: world.base, clientId: confidential.id, resource: resourceOf(p), userId, scope: "items:read" });
  const res = await token(world.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT }, basic(confidential.id, confidential.secret));
  expect(res.status).toBe(200);
  return res.json as { access_token: string; refresh_token: string };
}

const writeCall = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "write_item", arguments: {} } };
const sentTo = (p: Project) => upstream.requests.filter((r) => r.url === `/${p.project.slug}/write`).length;

/** A tools/call at A's MCP URL: the answer's status, and that nothing reached the upstream. */
async function callA(authorization: string | undefined, status: number, error?: string) {
  const before = sentTo(a);
  const res = await rpc(a.mcpUrl, writeCall, authorization ? { authorization } : {});
  expect(res.status).toBe(status);
  const challenge = res.headers.get("www-authenticate") ?? "";
  if (status === 401) expect(challenge).toMatch(new RegExp(`^Bearer ${error ? `error="${error}", ` : ""}resource_metadata="`));
  if (status === 403) expect(challenge).toMatch(/^Bearer error="insufficient_scope", scope="items:write"/);
  expect(sentTo(a)).toBe(before);
}

const form = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${world.base}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}` });
const listWith = async (accessToken: string) => (await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${accessToken}` })).status;

async function mint(authorization: string | undefined, assertion: string) {
  const res = await fetch(`${world.base}/v1/member-sessions`, { method: "POST", headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ member_assertion: assertion }) });
  return { status: res.status, json: (await res.json()) as any };
}
const assertionFor = (p: Project) => createMemberAssertion({ secret: secrets[p.project.id]! }, { sub: "member_2", audience: world.config.publicUrl });

// ---- the table: route × credential kind × the five cases ----

const SUITES: Suite[] = [
  {
    route: "mcp",
    credential: "API key",
    cases: {
      "no credential": () => callA(undefined, 401),
      "a bad credential": () => callA(`Bearer tengine_${"x".repeat(43)}`, 401, "invalid_token"),
      "another tenant's credential": () => callA(`Bearer ${b.key}`, 401, "invalid_token"),
      "a role too low": async () => callA(`Bearer ${(await key(a, ["items:read"])).key}`, 403),
      "a revoked credential": async () => {
        const k = await key(a);
        await revokeApiKey(world.db, a.project.id, k.id);
        await callA(`Bearer ${k.key}`, 401, "invalid_token");
      },
    },
  },
  {
    route: "mcp",
    credential: "member session token",
    cases: {
      // An empty bearer: a credential was attempted, so the challenge says invalid_token.
      "no credential": () => callA("Bearer ", 401, "invalid_token"),
      "a bad credential": () => callA(`Bearer tng_mst_${"e".repeat(40)}.x.y`, 401, "invalid_token"),
      "another tenant's credential": async () => callA(`Bearer ${await session(b, b.key)}`, 401, "invalid_token"),
      "a role too low": async () => callA(`Bearer ${await session(a, a.key, ["items:read"])}`, 403),
      "a revoked credential": async () => {
        const k = await key(a);
        const token = await session(a, k.key);
        await revokeApiKey(world.db, a.project.id, k.id);
        await callA(`Bearer ${token}`, 401, "invalid_token");
      },
    },
  },
  {
    route: "mcp",
    credential: "OAuth access token",
    cases: {
      "no credential": () => callA("Basic abc", 401, "invalid_token"),
      "a bad credential": async () => {
        const t = await grant(a);
        const [header, payload] = t.access_token.split(".");
        await callA(`Bearer ${header}.${payload}.${"A".repeat(86)}`, 401, "invalid_token");
      },
      "another tenant's credential": async () => callA(`Bearer ${(await grant(b)).access_token}`, 401, "invalid_token"),
      "a role too low": async () => callA(`Bearer ${(await grant(a, "items:read")).access_token}`, 403),
      "a revoked credential": async () => {
        const t = await grant(a);
        await revokeConnection(world.db, { projectId: a.project.id, connectionId: decodeJwt(t.access_token).cid as string, actor: { userId }, reason: "user" });
        await callA(`Bearer ${t.access_token}`, 401, "invalid_token");
      },
    },
  },
  {
    route: "member_sessions",
    credential: "API key",
    cases: {
      "no credential": async () => expect(await mint(undefined, await assertionFor(a))).toMatchObject({ status: 401, json: { error: "unauthorized" } }),
      "a bad credential": async () => expect(await mint(`Bearer tengine_${"y".repeat(43)}`, await assertionFor(a))).toMatchObject({ status: 401, json: { error: "invalid_token" } }),
      // B's key with an assertion signed for A: B's member-assertion secret does not verify it.
      "another tenant's credential": async () => expect(await mint(`Bearer ${b.key}`, await assertionFor(a))).toMatchObject({ status: 401, json: { error: "invalid_member_assertion" } }),
      // A member session token cannot mint sessions: only the project's API key can.
      "a role too low": async () => expect(await mint(`Bearer ${await session(a, a.key)}`, await assertionFor(a))).toMatchObject({ status: 403, json: { error: "forbidden" } }),
      "a revoked credential": async () => {
        const k = await key(a);
        await revokeApiKey(world.db, a.project.id, k.id);
        expect(await mint(`Bearer ${k.key}`, await assertionFor(a))).toMatchObject({ status: 401, json: { error: "invalid_token" } });
      },
    },
  },
  {
    route: "oauth_token",
    credential: "OAuth client (refresh_token grant)",
    cases: {
      "no credential": async () => {
        const t = await grant(a);
        expect(await form("/oauth/token", { grant_type: "refresh_token", refresh_token: t.refresh_token })).toMatchObject({ status: 401, json: { error: "invalid_client" } });
      },
      "a bad credential": async () => {
        const t = await grantConfidential(a);
        expect(await form("/oauth/token", { grant_type: "refresh_token", refresh_token: t.refresh_token }, basic(confidential.id, "tng_cs_wrong"))).toMatchObject({ status: 401, json: { error: "invalid_client" } });
      },
      "another tenant's credential": async () => {
        const t = await grant(a);
        const other = await registerPublic(world.base);
        expect(await form("/oauth/token", { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: other })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
        expect(await listWith(t.access_token)).toBe(200);
      },
      "a role too low": async () => {
        const t = await grant(a, "items:read");
        expect(await form("/oauth/token", { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: publicClient, scope: "items:write" })).toMatchObject({ status: 400, json: { error: "invalid_scope" } });
      },
      "a revoked credential": async () => {
        const t = await grant(a);
        expect((await form("/oauth/revoke", { token: t.refresh_token, client_id: publicClient })).status).toBe(200);
        expect(await form("/oauth/token", { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: publicClient })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
      },
    },
  },
  {
    route: "oauth_revoke",
    credential: "OAuth client",
    cases: {
      "no credential": async () => {
        const t = await grant(a);
        expect(await form("/oauth/revoke", { token: t.refresh_token })).toMatchObject({ status: 401, json: { error: "invalid_client" } });
        expect(await listWith(t.access_token)).toBe(200);
      },
      "a bad credential": async () => {
        const t = await grantConfidential(a);
        expect(await form("/oauth/revoke", { token: t.refresh_token }, basic(confidential.id, "tng_cs_wrong"))).toMatchObject({ status: 401, json: { error: "invalid_client" } });
        expect(await listWith(t.access_token)).toBe(200);
      },
      // RFC 7009 §2.2: 200 either way, and another client's token is left alone.
      "another tenant's credential": async () => {
        const t = await grant(a);
        const other = await registerPublic(world.base);
        expect((await form("/oauth/revoke", { token: t.access_token, client_id: other })).status).toBe(200);
        expect(await listWith(t.access_token)).toBe(200);
      },
      // A public client cannot pass itself off as the confidential one without its secret.
      "a role too low": async () => {
        const t = await grantConfidential(a);
        expect(await form("/oauth/revoke", { token: t.refresh_token, client_id: confidential.id })).toMatchObject({ status: 401, json: { error: "invalid_client" } });
        expect(await listWith(t.access_token)).toBe(200);
      },
      "a revoked credential": async () => {
        const t = await grant(a);
        expect((await form("/oauth/revoke", { token: t.access_token, client_id: publicClient })).status).toBe(200);
        expect((await form("/oauth/revoke", { token: t.access_token, client_id: publicClient })).status).toBe(200);
        expect(await listWith(t.access_token)).toBe(401);
      },
    },
  },
];

/** A platform call at A's organization endpoint: the answer's status, and its challenge. */
async function callOrg(orgSlug: string, authorization: string | undefined, status: number, error?: string) {
  const res = await rpc(`${world.base}/o/${orgSlug}/mcp`, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "tengine.platform/members", arguments: { action: "list" } } }, authorization ? { authorization } : {});
  expect(res.status).toBe(status);
  const challenge = res.headers.get("www-authenticate") ?? "";
  if (status === 401) expect(challenge).toMatch(new RegExp(`^Bearer ${error ? `error="${error}", ` : ""}resource_metadata="[^"]*/o/${orgSlug}/mcp"`));
  if (status === 403) expect(challenge).toMatch(/^Bearer error="insufficient_scope", scope="platform.members:read"/);
}

SUITES.push({
  route: "org_mcp",
  credential: "API key",
  cases: {
    "no credential": () => callOrg(world.org.slug, undefined, 401),
    "a bad credential": () => callOrg(world.org.slug, `Bearer tengine_${"x".repeat(43)}`, 401, "invalid_token"),
    "another tenant's credential": async () => {
      // A key of another organization's project, with the scope, at this organization's endpoint.
      const other = await createOrganization(world.db, { name: "Another org" });
      const project = await createProject(world.db, { orgId: other.id, name: "Elsewhere" });
      await callOrg(world.org.slug, `Bearer ${(await createApiKey(world.db, project.id, { name: "suite", scopes: ["platform.members:read"] })).key}`, 401, "invalid_token");
    },
    // A full-access project key is not an admin key: platform scopes are granted by name.
    "a role too low": async () => callOrg(world.org.slug, `Bearer ${(await key(a)).key}`, 403),
    "a revoked credential": async () => {
      const k = await key(a, ["platform.members:read"]);
      await callOrg(world.org.slug, `Bearer ${k.key}`, 200);
      await revokeApiKey(world.db, a.project.id, k.id);
      await callOrg(world.org.slug, `Bearer ${k.key}`, 401, "invalid_token");
    },
  },
});

describe("the security suite covers the gateway's route table", () => {
  it("every route that takes a credential has a row here, and every row names a real route", () => {
    const authenticated = GATEWAY_ROUTES.filter((r) => r.auth !== "public").map((r) => r.name);
    expect([...new Set(SUITES.map((s) => s.route))].sort()).toEqual([...authenticated].sort());
  });

  it("the MCP route runs the cases for every credential kind it accepts", () => {
    expect(SUITES.filter((s) => s.route === "mcp").map((s) => s.credential)).toEqual(["API key", "member session token", "OAuth access token"]);
  });
});

for (const suite of SUITES) {
  describe(`${suite.route} with ${suite.credential}`, () => {
    for (const [name, run] of Object.entries(suite.cases)) it(`refuses ${name}`, run, 60_000);
  });
}
