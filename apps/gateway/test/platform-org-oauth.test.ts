import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createOrganization, createProject, decideAuthorization, getAuthorizationRequest, listAudit, newId, ORG_PLATFORM_SCOPES } from "@tengine/core";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/http/create-gateway.ts";
import { rpc, startWorld } from "./harness.ts";
import { createUser, freePort, MemoryProvider, obtainTokens, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";

// Claude Code signing in to an organization's endpoint /o/{org}/mcp: the official MCP SDK
// client runs its own OAuth flow (RFC 9728 discovery of the organization endpoint's metadata,
// registration, PKCE, code exchange, refresh) against a gateway whose public URL is its real
// address. The test plays the browser and approves as the dashboard's consent form does.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let gateway: Awaited<ReturnType<typeof createGateway>>;
let base: string;
let orgUrl: string;
let home: Awaited<ReturnType<World["createProjectWithKey"]>>;
let other: Awaited<ReturnType<World["createProjectWithKey"]>>;
let adminId: string;
let viewerId: string;

const PROJECTS = "tengine.platform/projects";

beforeAll(async () => {
  world = await startWorld("platorgoauth");
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = await createGateway({ ...world.config, publicUrl: base, dashboardUrl: "http://dashboard.test" }, { logger: pino({ level: "silent" }, new Writable({ write(_c, _e, cb) { cb(); } })) });
  await gateway.listen(port, "127.0.0.1");
  // The oldest project is the organization's home project: its OAuth policy applies to /o/{org}/mcp.
  home = await world.createProjectWithKey("Home");
  other = await world.createProjectWithKey("Other");
  await setPolicy(world, home.project.id, { redirectUris: [REDIRECT], scopes: ["contacts:read", ...ORG_PLATFORM_SCOPES] });
  await setPolicy(world, other.project.id, { redirectUris: [REDIRECT], scopes: ["contacts:read", ...ORG_PLATFORM_SCOPES] });
  orgUrl = `${base}/o/${world.org.slug}/mcp`;
  adminId = await createUser(world, "admin");
  viewerId = await createUser(world, "viewer");
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await world?.close();
});

/** The SDK starts the flow at the organization endpoint; returns the consent request id. */
async function startFlow(provider: MemoryProvider) {
  const transport = new StreamableHTTPClientTransport(new URL(orgUrl), { authProvider: provider });
  await expect(new Client({ name: "t", version: "1" }).connect(transport)).rejects.toThrow(/Unauthorized/);
  const authUrl = provider.authorizationUrl!;
  expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${base}/oauth/authorize`);
  // Discovered from the organization endpoint's own metadata: its URL is the resource.
  expect(authUrl.searchParams.get("resource")).toBe(orgUrl);
  expect(authUrl.searchParams.get("scope")!.split(" ").sort()).toEqual([...ORG_PLATFORM_SCOPES].sort());
  const res = await fetch(authUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  const consent = new URL(res.headers.get("location")!);
  expect(`${consent.origin}${consent.pathname}`).toBe("http://dashboard.test/oauth/consent");
  const requestId = consent.searchParams.get("request")!;
  // The consent page says the grant is for the organization, under its home project's policy.
  expect(await getAuthorizationRequest(world.db, requestId)).toMatchObject({ organizationEndpoint: true, project: { id: home.project.id } });
  return { transport, requestId };
}

/** The consent form's approval: the code goes back to the SDK, which exchanges it. */
async function approveAndFinish(flow: { transport: StreamableHTTPClientTransport; requestId: string }, userId: string, scopes?: string[]) {
  const { redirectTo } = await decideAuthorization(world.db, { requestId: flow.requestId, userId, decision: "approve", issuer: base, ...(scopes ? { scopes } : {}) });
  const callback = new URL(redirectTo);
  expect(callback.searchParams.get("state")).toBe("org-state");
  await flow.transport.finishAuth(callback.searchParams.get("code")!);
}

async function connect(provider: MemoryProvider) {
  const client = new Client({ name: "org-oauth-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(orgUrl), { authProvider: provider }));
  return client;
}

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const audience = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()).aud;
const tokenFor = (provider: MemoryProvider) => provider.saved.access_token as string;

describe("OAuth on the organization endpoint", () => {
  const admin = new MemoryProvider("org-state", "Org SDK client");

  it("an admin signs in with the SDK's OAuth flow and creates and updates projects", async () => {
    await approveAndFinish(await startFlow(admin), adminId);
    expect(audience(tokenFor(admin))).toBe(orgUrl);
    const connection = await world.db.oAuthConnection.findFirstOrThrow({ where: { userId: adminId } });
    expect(connection).toMatchObject({ orgId: world.org.id, projectId: home.project.id });

    const client = await connect(admin);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([PROJECTS, "tengine.platform/members", "tengine.platform/audit"]));
    expect(tools.some((t) => t.name === "tengine.platform/tools")).toBe(false);

    const created: any = await client.callTool({ name: PROJECTS, arguments: { action: "create", data: { name: "Made over OAuth" } } });
    expect(created.isError, text(created)).toBeFalsy();
    const made = await world.db.project.findUniqueOrThrow({ where: { id: created.structuredContent.project.id } });
    expect(made.orgId).toBe(world.org.id);

    const updated: any = await client.callTool({ name: PROJECTS, arguments: { action: "update", project_id: other.project.slug, subresource: "settings", data: { requireMember: true } } });
    expect(updated.isError, text(updated)).toBeFalsy();
    expect((await world.db.project.findUniqueOrThrow({ where: { id: other.project.id } })).requireMember).toBe(true);

    // Each call is a run (of the home project) and an audit entry, attributed to the user and the connection.
    const runIds = [created, updated].map((c) => c._meta["tengine/runId"]);
    const runs = await world.db.run.findMany({ where: { id: { in: runIds } } });
    expect(runs.map((r) => [r.projectId, r.principalKind, r.userId, r.connectionId, r.status])).toEqual(runIds.map(() => [home.project.id, "oauth", adminId, connection.id, "succeeded"]));
    const { entries } = await listAudit(world.db, world.org.id, { limit: 200 });
    const create = entries.find((e) => (e.details as any)?.runId === runIds[0]);
    expect(create).toMatchObject({ action: "project.create", actorUserId: adminId });
    expect((create!.details as any).credential).toMatchObject({ kind: "oauth", connectionId: connection.id });
    await client.close();

    // The access token stops working (as when it expires): the SDK refreshes; the new token is
    // for the organization endpoint again.
    admin.saved = { ...admin.saved, access_token: "eyJhbGciOiJFUzI1NiJ9.e30.invalid" };
    const again = await connect(admin);
    const listed: any = await again.callTool({ name: PROJECTS, arguments: { action: "list" } });
    expect(listed.structuredContent.projects.map((p: any) => p.slug)).toEqual(expect.arrayContaining([home.project.slug, other.project.slug, made.slug]));
    expect(audience(tokenFor(admin))).toBe(orgUrl);

    // The role is read again on every call: demoted to viewer, the same connection cannot write.
    await world.db.membership.update({ where: { orgId_userId: { orgId: world.org.id, userId: adminId } }, data: { role: "viewer" } });
    const demoted: any = await again.callTool({ name: PROJECTS, arguments: { action: "create", data: { name: "Not any more" } } });
    expect(demoted.isError).toBe(true);
    expect(text(demoted)).toMatch(/needs the admin role; you are a viewer/);
    await world.db.membership.update({ where: { orgId_userId: { orgId: world.org.id, userId: adminId } }, data: { role: "admin" } });
    await again.close();
  });

  it("a viewer's connection gets the reads only and cannot write", async () => {
    const viewer = new MemoryProvider("org-state", "Org SDK client");
    const flow = await startFlow(viewer);
    // The consent refuses platform scopes above the viewer's role.
    await expect(decideAuthorization(world.db, { requestId: flow.requestId, userId: viewerId, decision: "approve", issuer: base })).rejects.toThrow(/cannot grant platform\.projects:write/);
    await approveAndFinish(flow, viewerId, ["platform.projects:read", "platform.members:read"]);

    const client = await connect(viewer);
    const { tools } = await client.listTools();
    const projects: any = tools.find((t) => t.name === PROJECTS);
    expect(projects.inputSchema.properties.action.enum.sort()).toEqual(["get", "list"]);
    expect(tools.some((t) => t.name === "tengine.platform/audit")).toBe(false);
    const listed: any = await client.callTool({ name: PROJECTS, arguments: { action: "list" } });
    expect(listed.isError).toBeFalsy();
    await client.close();

    const before = await world.db.project.count();
    const write = await rpc(orgUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: PROJECTS, arguments: { action: "create", data: { name: "Viewer's project" } } } }, { authorization: `Bearer ${tokenFor(viewer)}` });
    expect(write.status).toBe(403);
    expect(write.headers.get("www-authenticate")).toContain('error="insufficient_scope", scope="platform.projects:write"');
    expect(await world.db.project.count()).toBe(before);
  });

  it("the token is refused by another organization's endpoint and by project endpoints (audience)", async () => {
    const token = tokenFor(admin);
    const call = (url: string, bearer: string) => rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${bearer}` });
    expect((await call(orgUrl, token)).status).toBe(200);

    // Another organization, with a project whose policy would allow the same grant, and the same user as its admin.
    const otherOrg = await createOrganization(world.db, { name: "Other org" });
    const foreign = await createProject(world.db, { orgId: otherOrg.id, name: "Foreign" });
    await setPolicy(world, foreign.id, { redirectUris: [REDIRECT], scopes: [...ORG_PLATFORM_SCOPES] });
    await world.db.membership.create({ data: { id: newId("membership"), orgId: otherOrg.id, userId: adminId, role: "admin" } });
    const foreignAnswer = await call(`${base}/o/${otherOrg.slug}/mcp`, token);
    expect(foreignAnswer.status).toBe(401);
    expect(foreignAnswer.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(foreignAnswer.headers.get("www-authenticate")).toContain("the token is for another resource");

    // Nor is it a token for a project's endpoint, the home project's included.
    expect((await call(`${base}/p/${home.project.slug}/mcp`, token)).status).toBe(401);
    expect((await call(`${base}/mcp`, token)).status).toBe(401);

    // A project's token is not one for the organization endpoint either.
    const clientId = await registerPublic(base);
    const projectToken = (await obtainTokens(world, { base, clientId, resource: `${base}/p/${home.project.slug}/mcp`, userId: adminId, scope: "contacts:read" })).access_token;
    expect((await call(`${base}/p/${home.project.slug}/mcp`, projectToken)).status).toBe(200);
    expect((await call(orgUrl, projectToken)).status).toBe(401);

    // Revoking the organization grant ends its token at once.
    await world.db.oAuthConnection.updateMany({ where: { userId: adminId, orgId: world.org.id }, data: { revokedAt: new Date(), revokedReason: "user" } });
    expect((await call(orgUrl, token)).status).toBe(401);
  });
});
