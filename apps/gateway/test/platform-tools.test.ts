import { createApiKey, createOrganization, createProject, decideApproval, executeApprovedRun, listAudit } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, echoSchema, rpc, startUpstream, startWorkerDeps, startWorld } from "./harness.ts";
import { authorize, authorizeParams, consentRequestId, approve, createUser, obtainTokens, pkce, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";

// Platform tools (tengine.platform/<family>) through the real MCP SDK client against a real
// gateway, Postgres and upstream: scopes granted by name, the dashboard's rules, runs and audit.

type World = Awaited<ReturnType<typeof startWorld>>;
type Project = Awaited<ReturnType<World["createProjectWithKey"]>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let a: Project;
let b: Project;
let clientId: string;

const TOOLS = "tengine.platform/tools";
const KEYS = "tengine.platform/keys";
const RUNS = "tengine.platform/runs";
const APPROVALS = "tengine.platform/approvals";

beforeAll(async () => {
  world = await startWorld("platform", { approvalWaitMs: 300 });
  upstream = await startUpstream();
  a = await world.createProjectWithKey("Platform A");
  b = await world.createProjectWithKey("Platform B");
  await world.addTool(b.project.id, { name: "b_tool", description: "B's tool", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/b` });
  const scopes = ["items:read", "platform.keys:read", "platform.keys:write", "platform.tools:read", "platform.approvals:read", "platform.approvals:write"];
  for (const p of [a, b]) await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes });
  clientId = await registerPublic(world.base);
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const keyWith = async (p: Project, scopes: string[]) => (await createApiKey(world.db, p.project.id, { name: `scopes ${scopes.join(" ")}`, scopes })).key;
const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const oauthFor = async (p: Project, userId: string, scope: string) => (await obtainTokens(world, { base: world.base, clientId, resource: `${world.config.publicUrl}/p/${p.project.slug}/mcp`, userId, scope })).access_token;

describe("tools family", () => {
  it("a key with platform.tools:write creates a tool that a second key can then call", async () => {
    const admin = await connectClient(a.mcpUrl, await keyWith(a, ["platform.tools:write"]));
    const created: any = await admin.callTool({
      name: TOOLS,
      arguments: { action: "create", data: { name: "create_invoice", description: "Creates an invoice", inputSchema: { type: "object", properties: { amount: { type: "number" } }, required: ["amount"] }, method: "POST", url: `${upstream.url}/invoices`, body: { amount: "{{input.amount}}" }, requiresApproval: false } },
    });
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent.tool).toMatchObject({ name: "create_invoice", method: "POST", enabled: true });

    // The same checks as the dashboard's editor: a bad definition names its field, nothing is stored.
    const bad: any = await admin.callTool({ name: TOOLS, arguments: { action: "create", data: { name: "bad name!", description: "x", inputSchema: { type: "object" }, method: "POST", url: `${upstream.url}/x` } } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/name/);
    // Upstream credentials never pass through MCP.
    const secret: any = await admin.callTool({ name: TOOLS, arguments: { action: "create", data: { name: "with_token", description: "x", inputSchema: { type: "object" }, method: "POST", url: `${upstream.url}/x`, auth: { type: "bearer", token: "s3cr3t-token-value" } } } });
    expect(secret.isError).toBe(true);
    expect(text(secret)).toMatch(/auth.token .* not accepted through MCP/);
    expect(await world.db.tool.count({ where: { projectId: a.project.id, name: { in: ["bad name!", "with_token"] } } })).toBe(0);
    await admin.close();

    const caller = await connectClient(a.mcpUrl, await keyWith(a, []));
    const listed = await caller.listTools();
    expect(listed.tools.map((t) => t.name)).toContain("create_invoice");
    // A full-access project key is not an admin key: no platform tool is listed for it.
    expect(listed.tools.some((t) => t.name.startsWith("tengine.platform/"))).toBe(false);
    const before = upstream.requests.length;
    const result: any = await caller.callTool({ name: "create_invoice", arguments: { amount: 42 } });
    expect(result.isError).toBeFalsy();
    expect(upstream.requests.length).toBe(before + 1);
    expect(upstream.requests.at(-1)).toMatchObject({ method: "POST", url: "/invoices" });
    expect(JSON.parse(upstream.requests.at(-1)!.body.toString())).toEqual({ amount: 42 });
    await caller.close();
  });

  it("a key with platform.tools:read sees only reads and gets the insufficient-scope response for an update", async () => {
    const key = await keyWith(a, ["platform.tools:read"]);
    const reader = await connectClient(a.mcpUrl, key);
    const { tools } = await reader.listTools();
    const platform = tools.filter((t) => t.name.startsWith("tengine.platform/"));
    expect(platform.map((t) => t.name)).toEqual([TOOLS]);
    expect((platform[0]!.inputSchema.properties as any).action.enum).toEqual(["list", "get"]);

    const template: any = await reader.callTool({ name: TOOLS, arguments: { action: "get", id: "create_invoice", subresource: "template" } });
    expect(template.structuredContent.template).toMatchObject({ method: "POST", url: `${upstream.url}/invoices`, body: { amount: "{{input.amount}}" } });
    await expect(reader.callTool({ name: TOOLS, arguments: { action: "update", id: "create_invoice", subresource: "scopes", data: { requiredScopes: ["billing:write"] } } })).rejects.toThrow(/Tool requires scopes: platform.tools:write/);
    await reader.close();

    // On the wire: HTTP 403 with the RFC 6750 challenge naming the write scope.
    const res = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: TOOLS, arguments: { action: "update", id: "create_invoice", subresource: "scopes", data: { requiredScopes: ["billing:write"] } } } }, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe(-32003);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="insufficient_scope", scope="platform.tools:write"/);
    const stored = await world.db.tool.findFirstOrThrow({ where: { projectId: a.project.id, name: "create_invoice" } });
    expect(stored.requiredScopes).toEqual([]);
  });

  it("an unknown action or subresource is a tool error naming what is allowed", async () => {
    const client = await connectClient(a.mcpUrl, await keyWith(a, ["platform.tools:write"]));
    const action: any = await client.callTool({ name: TOOLS, arguments: { action: "explode" } });
    expect(action.isError).toBe(true);
    expect(text(action)).toMatch(/\/action must be one of: list, get, create, update, enable, disable, delete/);
    const sub: any = await client.callTool({ name: TOOLS, arguments: { action: "get", id: "create_invoice", subresource: "payload" } });
    expect(text(sub)).toMatch(/allowed: schema, template, scopes, approval, runs/);
    const updated: any = await client.callTool({ name: TOOLS, arguments: { action: "update", id: "create_invoice", subresource: "scopes", data: { requiredScopes: ["billing:write"] } } });
    expect(updated.isError).toBeFalsy();
    expect(updated.structuredContent.changed).toEqual(["requiredScopes"]);
    await client.close();
  });
});

describe("keys family and OAuth connections", () => {
  it("a viewer's OAuth connection cannot create a key", async () => {
    const viewer = await createUser(world, "viewer");
    // The consent refuses platform writes above the user's role…
    const { challenge } = pkce();
    const res = await authorize(world.base, authorizeParams({ clientId, resource: `${world.config.publicUrl}/p/${a.project.slug}/mcp`, challenge, scope: "platform.keys:write" }));
    await expect(approve(world, consentRequestId(res.location), viewer)).rejects.toThrow(/your role \(viewer\) cannot grant platform.keys:write/);

    // …and with the reads a viewer may have, creating a key is an insufficient scope.
    const token = await oauthFor(a, viewer, "platform.keys:read");
    const client = await connectClient(a.mcpUrl, token);
    const listed: any = await client.callTool({ name: KEYS, arguments: { action: "list" } });
    expect(listed.isError).toBeFalsy();
    const keysBefore = await world.db.apiKey.count({ where: { projectId: a.project.id } });
    await expect(client.callTool({ name: KEYS, arguments: { action: "create", data: { name: "from a viewer" } } })).rejects.toThrow(/Tool requires scopes: platform.keys:write/);
    await client.close();
    // No step-up either: asking again could not get a write for a viewer.
    expect((await world.db.oAuthConnection.findFirstOrThrow({ where: { userId: viewer, revokedAt: null } })).stepUpRequestedAt).toBeNull();

    // A member demoted to viewer after connecting is held to the role they have now.
    const member = await createUser(world, "member");
    const writeToken = await oauthFor(a, member, "platform.keys:write");
    await world.db.membership.updateMany({ where: { orgId: world.org.id, userId: member }, data: { role: "viewer" } });
    const demoted = await connectClient(a.mcpUrl, writeToken);
    const refused: any = await demoted.callTool({ name: KEYS, arguments: { action: "create", data: { name: "after demotion" } } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/needs the member role; you are a viewer/);
    await demoted.close();
    expect(await world.db.apiKey.count({ where: { projectId: a.project.id } })).toBe(keysBefore);
  });

  it("a created key's secret is returned once: not in the run, the replay or the audit log", async () => {
    const adminKey = await keyWith(a, ["platform.keys:write", "items:read"]);
    const client = await connectClient(a.mcpUrl, adminKey, { "idempotency-key": "new-key-1" });
    const created: any = await client.callTool({ name: KEYS, arguments: { action: "create", data: { name: "ci", scopes: ["items:read"] } } });
    const secret = created.structuredContent.key as string;
    expect(secret).toMatch(/^tengine_/);
    const replay: any = await client.callTool({ name: KEYS, arguments: { action: "create", data: { name: "ci", scopes: ["items:read"] } } });
    expect(replay._meta["tengine/deduplicated"]).toBe(true);
    expect(JSON.stringify(replay)).not.toContain(secret);
    await client.close();
    // A key cannot hand out platform scopes it does not hold itself.
    const plain = await connectClient(a.mcpUrl, adminKey);
    const above: any = await plain.callTool({ name: KEYS, arguments: { action: "create", data: { name: "escalate", scopes: ["platform.members:read"] } } });
    expect(text(above)).toMatch(/cannot grant platform.members:read/);
    await plain.close();
    const run = await world.db.run.findFirstOrThrow({ where: { id: created._meta["tengine/runId"] } });
    expect(JSON.stringify(run)).not.toContain(secret);
    const audit = await world.db.auditLog.findMany({ where: { orgId: world.org.id } });
    expect(JSON.stringify(audit)).not.toContain(secret);
    // The new key works.
    const works = await connectClient(a.mcpUrl, secret);
    await works.listTools();
    await works.close();
  });
});

describe("approvals family", () => {
  it("an agent cannot approve its own pending call; another person can", async () => {
    await world.addTool(a.project.id, { name: "refund", description: "refund", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/refund`, requiresApproval: true });
    const agentKey = await keyWith(a, ["platform.approvals:write"]);
    const agent = await connectClient(a.mcpUrl, agentKey);
    const pending: any = await agent.callTool({ name: "refund", arguments: { amount: 5 } });
    expect(text(pending)).toMatch(/pending/);
    const approval = await world.db.approval.findFirstOrThrow({ where: { projectId: a.project.id, runId: pending._meta["tengine/runId"] } });

    const listed: any = await agent.callTool({ name: APPROVALS, arguments: { action: "list" } });
    expect(listed.structuredContent.pending.map((p: any) => p.id)).toContain(approval.id);
    const byKey: any = await agent.callTool({ name: APPROVALS, arguments: { action: "decide", id: approval.id, data: { decision: "approve" } } });
    expect(byKey.isError).toBe(true);
    expect(text(byKey)).toMatch(/decided by a person/);
    await agent.close();

    // A person whose own call waits cannot approve it either.
    const alice = await createUser(world, "member");
    const aliceToken = await oauthFor(a, alice, "items:read platform.approvals:write");
    const aliceClient = await connectClient(a.mcpUrl, aliceToken);
    const own: any = await aliceClient.callTool({ name: "refund", arguments: { amount: 7 } });
    const ownApproval = await world.db.approval.findFirstOrThrow({ where: { runId: own._meta["tengine/runId"] } });
    const self: any = await aliceClient.callTool({ name: APPROVALS, arguments: { action: "decide", id: ownApproval.id, data: { decision: "approve" } } });
    expect(text(self)).toMatch(/cannot decide on your own call/);
    expect((await world.db.approval.findUniqueOrThrow({ where: { id: ownApproval.id } })).status).toBe("pending");

    // Alice may decide the agent's call.
    const decided: any = await aliceClient.callTool({ name: APPROVALS, arguments: { action: "decide", id: approval.id, data: { decision: "deny", reason: "not today" } } });
    expect(decided.isError).toBeFalsy();
    expect(decided.structuredContent).toMatchObject({ id: approval.id, status: "denied" });
    await aliceClient.close();
    const entry = await world.db.auditLog.findFirstOrThrow({ where: { action: "approval.deny", targetId: approval.id } });
    expect(entry.actorUserId).toBe(alice);
  });

  it("the approval policy can require approval for platform writes, not for reads", async () => {
    await world.db.project.update({ where: { id: a.project.id }, data: { approvalPolicy: "non_read_only", configVersion: { increment: 1 } } });
    try {
      const client = await connectClient(a.mcpUrl, await keyWith(a, ["platform.tools:write"]));
      const read: any = await client.callTool({ name: TOOLS, arguments: { action: "list" } });
      expect(read.isError).toBeFalsy();
      const write: any = await client.callTool({ name: TOOLS, arguments: { action: "disable", id: "create_invoice" } });
      expect(text(write)).toMatch(/needs approval by a person and is pending/);
      expect((await world.db.tool.findFirstOrThrow({ where: { projectId: a.project.id, name: "create_invoice" } })).enabled).toBe(true);
      const approval = await world.db.approval.findFirstOrThrow({ where: { runId: write._meta["tengine/runId"] } });
      expect(approval).toMatchObject({ toolName: TOOLS, status: "pending", arguments: { action: "disable", id: "create_invoice" } });
      await client.close();

      // Approved by a person, the worker runs it through the same steps: the tool is disabled once.
      const worker = startWorkerDeps(world);
      try {
        await decideApproval(world.db, { projectId: a.project.id, approvalId: approval.id, actor: { userId: "usr_approver", email: "approver@example.com" }, role: "member", decision: "approve" });
        expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId: approval.runId });
        expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: false, runId: approval.runId });
      } finally {
        await worker.close();
      }
      expect(await world.db.run.findUniqueOrThrow({ where: { id: approval.runId } })).toMatchObject({ status: "succeeded", error: null });
      expect((await world.db.tool.findFirstOrThrow({ where: { projectId: a.project.id, name: "create_invoice" } })).enabled).toBe(false);
      expect(await world.db.auditLog.count({ where: { action: "tool.disable", details: { path: ["runId"], equals: approval.runId } } })).toBe(1);
      await world.db.tool.updateMany({ where: { projectId: a.project.id, name: "create_invoice" }, data: { enabled: true } });
      await world.db.project.update({ where: { id: a.project.id }, data: { configVersion: { increment: 1 } } });
    } finally {
      await world.db.project.update({ where: { id: a.project.id }, data: { approvalPolicy: "none", configVersion: { increment: 1 } } });
    }
  });
});

describe("openapi and projects families", () => {
  it("plans an OpenAPI import and applies it by the plan's id", async () => {
    const client = await connectClient(a.mcpUrl, await keyWith(a, ["platform.openapi:write"]));
    const data = { document: JSON.stringify({ openapi: "3.1.0", info: { title: "Ledger", version: "1" }, servers: [{ url: `${upstream.url}/ledger` }], paths: { "/entries": { post: { summary: "Add ledger entry", responses: { "201": { description: "ok" } } } } } }) };
    const plan: any = await client.callTool({ name: "tengine.platform/openapi", arguments: { action: "plan", data } });
    expect(plan.structuredContent).toMatchObject({ added: ["add_ledger_entry"], removed: [] });
    const stale: any = await client.callTool({ name: "tengine.platform/openapi", arguments: { action: "apply", id: "0".repeat(64), data } });
    expect(text(stale)).toMatch(/changed since plan/);
    expect(await world.db.tool.count({ where: { projectId: a.project.id, name: "add_ledger_entry" } })).toBe(0);
    const applied: any = await client.callTool({ name: "tengine.platform/openapi", arguments: { action: "apply", id: plan.structuredContent.id, data } });
    expect(applied.structuredContent).toMatchObject({ added: 1 });
    expect(await world.db.tool.count({ where: { projectId: a.project.id, name: "add_ledger_entry" } })).toBe(1);
    await client.close();
  });

  it("an OpenAPI plan takes server variables; a value outside the document's enum is refused by name", async () => {
    const client = await connectClient(a.mcpUrl, await keyWith(a, ["platform.openapi:write"]));
    const document = JSON.stringify({ openapi: "3.1.0", info: { title: "Regional ledger", version: "1" }, servers: [{ url: "https://{region}.ledger.example.com", variables: { region: { default: "eu", enum: ["eu", "us"] } } }], paths: { "/totals": { get: { summary: "Ledger totals", responses: { "200": { description: "ok" } } } } } });
    const plan: any = await client.callTool({ name: "tengine.platform/openapi", arguments: { action: "plan", data: { document, serverVariables: { region: "us" } } } });
    expect(plan.structuredContent).toMatchObject({ added: ["ledger_totals"], baseUrl: "https://us.ledger.example.com", server: { url: "https://{region}.ledger.example.com", variables: [{ name: "region", default: "eu", enum: ["eu", "us"] }] } });
    const wrong: any = await client.callTool({ name: "tengine.platform/openapi", arguments: { action: "plan", data: { document, serverVariables: { region: "apac" } } } });
    expect(wrong.isError).toBe(true);
    expect(text(wrong)).toContain('the document cannot be imported: server variable region: "apac" is not one of eu, us');
    await client.close();
  });

  it("changes a project's settings on the organization endpoint; a new signing secret is shown once; rotate starts a rotation", async () => {
    const orgClient = await connectClient(`${world.base}/o/${world.org.slug}/mcp`, await keyWith(a, ["platform.projects:write"]));
    const policy: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "update", project_id: b.project.id, subresource: "approval_policy", data: { policy: "destructive" } } });
    expect(policy.structuredContent).toEqual({ approval_policy: "destructive" });
    const bad: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "update", project_id: b.project.id, subresource: "rate_limits", data: { limits: { principal: { max: 0, windowSec: 60 } } } } });
    expect(text(bad)).toMatch(/max must be at least 1/);
    await world.db.signingSecret.updateMany({ where: { projectId: b.project.id }, data: { retiredAt: new Date() } });
    const created: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "create", project_id: b.project.slug, subresource: "signing_secrets" } });
    const secret = created.structuredContent.secret as string;
    expect(secret.length).toBeGreaterThan(20);
    const run = await world.db.run.findUniqueOrThrow({ where: { id: created._meta["tengine/runId"] } });
    expect(JSON.stringify(run)).not.toContain(secret);
    // Retiring names the secret by its keyid.
    const retired: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "update", project_id: b.project.slug, subresource: "signing_secrets", id: created.structuredContent.keyid } });
    expect(retired.structuredContent).toEqual({ keyid: created.structuredContent.keyid, retired: true });
    expect((await world.db.signingSecret.findUniqueOrThrow({ where: { id: created.structuredContent.keyid } })).retiredAt).toBeInstanceOf(Date);

    // rotate: one call starts a rotation; the successor is shown once, the older secret keeps signing until retired.
    // Identical writes are deduplicated within the idempotency window: each rotation is its own call (own key).
    let rotation = 0;
    const rotate = (projectId: string, extra: Record<string, unknown> = { subresource: "signing_secrets" }) =>
      orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "rotate", project_id: projectId, ...extra }, _meta: { "tengine/idempotencyKey": `rotation-${++rotation}` } }) as Promise<any>;
    expect(text(await rotate(b.project.slug, {}))).toMatch(/action rotate needs a subresource: signing_secrets/);
    const first = await rotate(b.project.slug);
    expect(first.structuredContent).toMatchObject({ signing_with: first.structuredContent.keyid, retire_next: null });
    const second = await rotate(b.project.slug);
    expect(second.isError, text(second)).toBeFalsy();
    expect(second.structuredContent).toMatchObject({ signing_with: first.structuredContent.keyid, retire_next: first.structuredContent.keyid });
    expect(second.structuredContent.secret).not.toBe(first.structuredContent.secret);
    const secondRun = await world.db.run.findUniqueOrThrow({ where: { id: second._meta["tengine/runId"] } });
    expect(JSON.stringify(secondRun)).not.toContain(second.structuredContent.secret);
    // The gateway signs with the oldest active secret.
    const signingKeyid = async () => (await world.db.signingSecret.findFirst({ where: { projectId: b.project.id, retiredAt: null }, orderBy: { id: "asc" } }))?.id;
    expect(await signingKeyid()).toBe(first.structuredContent.keyid);
    // A rotation in progress (two active secrets) must be finished first, as in the dashboard.
    expect(text(await rotate(b.project.slug))).toMatch(/retire the older one before creating another/);
    await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "update", project_id: b.project.slug, subresource: "signing_secrets", id: second.structuredContent.retire_next } });
    expect(await signingKeyid()).toBe(second.structuredContent.keyid);
    await orgClient.close();
    expect((await world.db.project.findUniqueOrThrow({ where: { id: b.project.id } })).approvalPolicy).toBe("destructive");

    // Members, the audit log and usage, read with their own scopes.
    const reader = await connectClient(`${world.base}/o/${world.org.slug}/mcp`, await keyWith(a, ["platform.members:read", "platform.audit:read", "platform.projects:read"]));
    expect((await reader.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith("tengine.platform/")).sort()).toEqual(["tengine.platform/audit", "tengine.platform/members", "tengine.platform/projects"]);
    const members: any = await reader.callTool({ name: "tengine.platform/members", arguments: { action: "list" } });
    expect(members.structuredContent.members.length).toBeGreaterThan(0);
    const log: any = await reader.callTool({ name: "tengine.platform/audit", arguments: { action: "list", filters: { limit: 5 } } });
    expect(log.structuredContent.entries).toHaveLength(5);
    expect(log.structuredContent.entries.some((e: any) => e.action === "signing_secret.retire")).toBe(true);
    const longer: any = await reader.callTool({ name: "tengine.platform/audit", arguments: { action: "list", filters: { limit: 100 } } });
    expect(longer.structuredContent.entries.some((e: any) => e.action === "approval_policy.update")).toBe(true);
    const usage: any = await reader.callTool({ name: "tengine.platform/projects", arguments: { action: "get", project_id: a.project.slug, subresource: "usage", filters: { range: "24h" } } });
    expect(usage.structuredContent.usage.totals.calls).toBeGreaterThan(0);
    await reader.close();
    await world.db.project.update({ where: { id: b.project.id }, data: { approvalPolicy: "none", configVersion: { increment: 1 } } });
  });
});

describe("tenancy", () => {
  it("cross-project and cross-org ids are not found", async () => {
    const client = await connectClient(a.mcpUrl, await keyWith(a, ["platform.tools:write", "platform.keys:write", "platform.runs:read", "platform.approvals:read"]));
    const bTool = await world.db.tool.findFirstOrThrow({ where: { projectId: b.project.id, name: "b_tool" } });
    const bRun = await world.db.run.create({ data: { id: `run_${"0".repeat(26)}`, projectId: b.project.id, toolName: "b_tool", status: "succeeded", principalKind: "api_key" } });
    const notFound = async (name: string, args: Record<string, unknown>) => {
      const r: any = await client.callTool({ name, arguments: args });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/not found/);
    };
    await notFound(TOOLS, { action: "get", id: bTool.id });
    await notFound(TOOLS, { action: "get", id: "b_tool" });
    await notFound(TOOLS, { action: "delete", id: bTool.id });
    await notFound(KEYS, { action: "revoke", id: b.keyId });
    await notFound(RUNS, { action: "get", id: bRun.id });
    await notFound(APPROVALS, { action: "get", id: `apv_${"0".repeat(26)}` });
    // project_id has no place on a project's endpoint: the endpoint names the project.
    const other: any = await client.callTool({ name: KEYS, arguments: { action: "list", project_id: b.project.id } });
    expect(text(other)).toMatch(/project_id is not used on a project's endpoint/);
    await client.close();
    expect(await world.db.tool.count({ where: { id: bTool.id } })).toBe(1);
    expect((await world.db.apiKey.findUniqueOrThrow({ where: { id: b.keyId } })).revokedAt).toBeNull();

    // The organization endpoint: only this organization's projects; another organization's key is refused.
    const otherOrg = await createOrganization(world.db, { name: "Other org" });
    const foreign = await createProject(world.db, { orgId: otherOrg.id, name: "Foreign" });
    const orgUrl = `${world.base}/o/${world.org.slug}/mcp`;
    const orgClient = await connectClient(orgUrl, await keyWith(a, ["platform.projects:read", "platform.members:read"]));
    const projects: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "list" } });
    expect(projects.structuredContent.projects.map((p: any) => p.slug).sort()).toEqual([a.project.slug, b.project.slug].sort());
    const got: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "get", project_id: b.project.slug, subresource: "approval_policy" } });
    expect(got.structuredContent).toMatchObject({ project: b.project.slug, approval_policy: "none" });
    const cross: any = await orgClient.callTool({ name: "tengine.platform/projects", arguments: { action: "get", project_id: foreign.id } });
    expect(text(cross)).toMatch(/not found/);
    // The project families are not served here, nor the project's own tools.
    await expect(orgClient.callTool({ name: TOOLS, arguments: { action: "list" } })).rejects.toThrow(/Unknown tool/);
    await expect(orgClient.callTool({ name: "create_invoice", arguments: { amount: 1 } })).rejects.toThrow(/Unknown tool/);
    await orgClient.close();
    const foreignKey = (await createApiKey(world.db, foreign.id, { name: "foreign", scopes: ["platform.projects:read"] })).key;
    expect((await rpc(orgUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${foreignKey}` })).status).toBe(401);
  });

  it("the organization endpoint has its own protected-resource metadata", async () => {
    const res = await fetch(`${world.base}/.well-known/oauth-protected-resource/o/${world.org.slug}/mcp`);
    expect(res.status).toBe(200);
    const doc: any = await res.json();
    expect(doc.resource).toBe(`${world.config.publicUrl}/o/${world.org.slug}/mcp`);
    // What an OAuth grant there may hold: the organization families' scopes in the home (oldest) project's ceiling.
    expect(doc.scopes_supported).toEqual([]);
    const ceiling = (await world.db.project.findUniqueOrThrow({ where: { id: a.project.id } })).oauthScopes;
    await setPolicy(world, a.project.id, { scopes: [...ceiling, "platform.projects:write", "platform.members:read", "platform.audit:read"] });
    const opted: any = await (await fetch(`${world.base}/.well-known/oauth-protected-resource/o/${world.org.slug}/mcp`)).json();
    expect(opted.scopes_supported).toEqual(["platform.projects:read", "platform.projects:write", "platform.members:read", "platform.audit:read"]);
    await setPolicy(world, a.project.id, { scopes: ceiling });
    expect((await fetch(`${world.base}/.well-known/oauth-protected-resource/o/no-such-org/mcp`)).status).toBe(404);
    const unauth = await rpc(`${world.base}/o/${world.org.slug}/mcp`, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get("www-authenticate")).toContain(`resource_metadata="${world.config.publicUrl}/.well-known/oauth-protected-resource/o/${world.org.slug}/mcp"`);
  });
});

describe("runs and audit", () => {
  it("every call appears in runs and the audit log, attributed to the credential", async () => {
    const key = await createApiKey(world.db, a.project.id, { name: "auditor", scopes: ["platform.tools:write", "platform.runs:read"] });
    const client = await connectClient(a.mcpUrl, key.key);
    const calls: any[] = [];
    calls.push(await client.callTool({ name: TOOLS, arguments: { action: "list" } }));
    calls.push(await client.callTool({ name: TOOLS, arguments: { action: "update", id: "create_invoice", subresource: "approval", data: { requiresApproval: true } } }));
    calls.push(await client.callTool({ name: TOOLS, arguments: { action: "get", id: "no_such_tool" } }));
    const failed: any = await client.callTool({ name: RUNS, arguments: { action: "list", filters: { status: "failed", limit: 10 } } });
    calls.push(failed);
    await client.close();

    expect(failed.structuredContent.runs.length).toBeGreaterThan(0);
    expect(failed.structuredContent.runs.every((r: any) => r.status === "failed")).toBe(true);
    const runIds = calls.map((c) => c._meta["tengine/runId"]);
    const runs = await world.db.run.findMany({ where: { id: { in: runIds } } });
    expect(runs.map((r) => [r.toolName, r.apiKeyId, r.status]).sort()).toEqual(
      [
        [TOOLS, key.id, "succeeded"],
        [TOOLS, key.id, "succeeded"],
        [TOOLS, key.id, "failed"],
        [RUNS, key.id, "succeeded"],
      ].sort(),
    );
    const { entries } = await listAudit(world.db, world.org.id, { limit: 200 });
    for (const runId of runIds) {
      const entry = entries.find((e) => (e.details as any)?.runId === runId);
      expect(entry, `audit entry of ${runId}`).toBeDefined();
      expect((entry!.details as any).credential).toEqual({ kind: "api_key", apiKeyId: key.id });
    }
    expect(entries.find((e) => (e.details as any)?.runId === runIds[1])).toMatchObject({ action: "tool.update", projectId: a.project.id });
  });
});
