import { revokeApiKey, revokeConnection, setMemberAssertionSecret } from "@tengine/core";
import { createMemberAssertion, mintMemberSession } from "@tengine/sdk";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayProcess } from "./gateway-process.ts";
import { rpc, startUpstream, startWorld } from "./harness.ts";
import { createUser, obtainTokens, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";

/**
 * Revocation on another gateway PROCESS (DESIGN §7 step 1, §14): a credential revoked while a
 * second process is serving it — and has just served it — is refused on that process's very
 * next call, and nothing reaches the upstream. The second process shares nothing in memory
 * with the one the credential was issued through, nor with the test.
 */
type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let other: Awaited<ReturnType<typeof startGatewayProcess>>;

beforeAll(async () => {
  world = await startWorld("revoke_procs");
  upstream = await startUpstream();
  other = await startGatewayProcess(world.config);
}, 90_000);
afterAll(async () => {
  await other?.stop();
  await world?.close();
  await upstream?.close();
});

async function projectWithTool(name: string) {
  const p = await world.createProjectWithKey(name);
  await world.addTool(p.project.id, { name: "ping", description: "ping", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/ping`, annotations: { readOnlyHint: true } });
  return p;
}

/** A project with a member-assertion secret and a member session minted through the other process (which then holds nothing the revocation could miss). */
async function projectWithMemberSession(name: string) {
  const p = await projectWithTool(name);
  const { secret } = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
  const assertion = await createMemberAssertion({ secret }, { sub: "member_7", email: "m7@example.com", audience: world.config.publicUrl });
  return { p, session: await mintMemberSession({ gatewayUrl: other.base, apiKey: p.key, assertion }) };
}

const call = (url: string, credential: string) =>
  rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "ping", arguments: {} } }, { authorization: `Bearer ${credential}` });

/** The call went through: a tool result without error, and one more upstream request. */
async function expectServed(url: string, credential: string) {
  const before = upstream.requests.length;
  const res = await call(url, credential);
  expect(res.status, res.text).toBe(200);
  expect(res.json.result.isError).toBeFalsy();
  expect(upstream.requests.length).toBe(before + 1);
}

/** The very next call is a 401 invalid_token, and nothing was sent upstream. */
async function expectRefused(url: string, credential: string) {
  const before = upstream.requests.length;
  const res = await call(url, credential);
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  expect(upstream.requests.length).toBe(before);
}

describe("a revoked credential is refused on its very next call on another gateway process", () => {
  it("an API key", async () => {
    const p = await projectWithTool("Revoked key");
    await expectServed(other.mcpUrl(p.project.slug), p.key);
    await expectServed(other.mcpUrl(p.project.slug), p.key);
    await revokeApiKey(world.db, p.project.id, p.keyId);
    await expectRefused(other.mcpUrl(p.project.slug), p.key);
  });

  it("an OAuth connection", async () => {
    const p = await projectWithTool("Revoked connection");
    await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes: ["ping:read"] });
    const clientId = await registerPublic(world.base);
    const userId = await createUser(world);
    const tokens = await obtainTokens(world, { base: world.base, clientId, resource: `${world.config.publicUrl}/p/${p.project.slug}/mcp`, userId });
    await expectServed(other.mcpUrl(p.project.slug), tokens.access_token);
    await expectServed(other.mcpUrl(p.project.slug), tokens.access_token);
    await revokeConnection(world.db, { projectId: p.project.id, connectionId: decodeJwt(tokens.access_token).cid as string, actor: { userId }, reason: "user" });
    await expectRefused(other.mcpUrl(p.project.slug), tokens.access_token);
  });

  it("a member session (its minting API key revoked)", async () => {
    const { p, session } = await projectWithMemberSession("Revoked member session");
    await expectServed(other.mcpUrl(p.project.slug), session.token);
    await expectServed(other.mcpUrl(p.project.slug), session.token);
    await revokeApiKey(world.db, p.project.id, p.keyId);
    await expectRefused(other.mcpUrl(p.project.slug), session.token);
  });

  it("a member session (the project's member-assertion key rotated)", async () => {
    const { p, session } = await projectWithMemberSession("Rotated member key");
    await expectServed(other.mcpUrl(p.project.slug), session.token);
    await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    await expectRefused(other.mcpUrl(p.project.slug), session.token);
  });
});
