import { createApiKey, decideApproval, executeApprovedRun, getApproval, readFederationSettings } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { federatedWorkerDeps, startEverythingHttp } from "./federation-helpers.ts";
import { connectClient, startWorld } from "./harness.ts";

// The `tengine.platform/mcp_servers` family through the real MCP SDK client: an agent adds the
// real @modelcontextprotocol/server-everything (Streamable HTTP, started here) to its project,
// and another key calls the server's tools through the gateway.

type World = Awaited<ReturnType<typeof startWorld>>;
type Project = Awaited<ReturnType<World["createProjectWithKey"]>>;
let world: World;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;
let a: Project;
let b: Project;

const SERVERS = "tengine.platform/mcp_servers";
const HEADER_SECRET = "hdr-secret-value-7781";
const CREDENTIAL_SECRET = "cred-secret-value-5512";

beforeAll(async () => {
  everything = await startEverythingHttp();
  world = await startWorld("platform_mcp", { approvalWaitMs: 300 });
  a = await world.createProjectWithKey("Platform MCP A");
  b = await world.createProjectWithKey("Platform MCP B");
}, 60_000);

afterAll(async () => {
  await world?.close();
  await everything?.kill();
});

const keyWith = async (p: Project, scopes: string[]) => (await createApiKey(world.db, p.project.id, { name: `scopes ${scopes.join(" ")}`, scopes })).key;
const text = (r: any) => r.content.map((c: any) => c.text).join("\n");

describe("mcp_servers family", () => {
  it("a key with platform.mcp_servers:write adds a server whose tools a second key then calls", async () => {
    const admin = await connectClient(a.mcpUrl, await keyWith(a, ["platform.mcp_servers:write"]));
    const added: any = await admin.callTool({
      name: SERVERS,
      arguments: { action: "add", data: { name: "everything", url: everything.url, headers: { "x-team": HEADER_SECRET }, credentials: { token: CREDENTIAL_SECRET } } },
    });
    expect(added.isError).toBeFalsy();
    expect(added.structuredContent.server).toMatchObject({ name: "everything", transport: "http", url: everything.url, status: "ok", lastError: null });
    expect(added.structuredContent.server.credentials).toEqual([{ key: "token", label: null, secret: true, set: true }]);
    expect(added.structuredContent.server.tools.map((t: any) => t.name)).toContain("everything_echo");

    // The same checks as the dashboard and the CLI: a bad name or a reserved header is refused, nothing is stored.
    const badName: any = await admin.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "Bad Name!", url: everything.url } } });
    expect(badName.isError).toBe(true);
    expect(text(badName)).toMatch(/name:/);
    const reserved: any = await admin.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "other", url: everything.url, headers: { host: "x" } } } });
    expect(reserved.isError).toBe(true);
    expect(text(reserved)).toMatch(/header host is set by the gateway/);
    const missing: any = await admin.callTool({ name: SERVERS, arguments: { action: "add" } });
    expect(text(missing)).toMatch(/needs data/);
    const duplicate: any = await admin.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "everything", url: everything.url } } });
    expect(text(duplicate)).toMatch(/already exists/);
    expect(await world.db.mcpServer.count({ where: { projectId: a.project.id } })).toBe(1);

    const refreshed: any = await admin.callTool({ name: SERVERS, arguments: { action: "refresh", id: "everything" } });
    expect(refreshed.isError).toBeFalsy();
    expect(refreshed.structuredContent.server).toMatchObject({ id: added.structuredContent.server.id, status: "ok" });
    await admin.close();

    const caller = await connectClient(a.mcpUrl, await keyWith(a, []));
    const { tools } = await caller.listTools();
    expect(tools.map((t) => t.name)).toContain("everything_echo");
    const echoed: any = await caller.callTool({ name: "everything_echo", arguments: { message: "hello through the platform" } });
    expect(echoed.isError).toBeFalsy();
    expect(text(echoed)).toContain("hello through the platform");
    await caller.close();

    // Header and credential values are in no answer, run or audit entry of these calls.
    const runs = await world.db.run.findMany({ where: { projectId: a.project.id, toolName: SERVERS } });
    expect(runs.length).toBeGreaterThanOrEqual(6);
    const audit = await world.db.auditLog.findMany({ where: { orgId: world.org.id } });
    expect(audit.find((e) => e.action === "mcp_server.create")).toMatchObject({ targetId: added.structuredContent.server.id, details: { name: "everything", credentialKeys: ["token"], via: "mcp" } });
    for (const recorded of [JSON.stringify(added), JSON.stringify(refreshed), JSON.stringify(runs), JSON.stringify(audit)]) {
      expect(recorded).not.toContain(HEADER_SECRET);
      expect(recorded).not.toContain(CREDENTIAL_SECRET);
    }
    const addRun = runs.find((r) => r.id === added._meta["tengine/runId"]);
    expect(addRun?.arguments).toMatchObject({ action: "add", data: { headers: { "x-team": "[redacted]" }, credentials: { token: "[redacted]" } } });
  });

  it("a read-only key lists and gets, and gets the insufficient-scope response for add", async () => {
    const reader = await connectClient(a.mcpUrl, await keyWith(a, ["platform.mcp_servers:read"]));
    const { tools } = await reader.listTools();
    const platform = tools.filter((t) => t.name.startsWith("tengine.platform/"));
    expect(platform.map((t) => t.name)).toEqual([SERVERS]);
    expect((platform[0]!.inputSchema.properties as any).action.enum).toEqual(["list", "get"]);

    const listed: any = await reader.callTool({ name: SERVERS, arguments: { action: "list" } });
    expect(listed.structuredContent.servers.map((s: any) => s.name)).toEqual(["everything"]);
    const id = listed.structuredContent.servers[0].id;
    const byId: any = await reader.callTool({ name: SERVERS, arguments: { action: "get", id } });
    expect(byId.structuredContent.server).toMatchObject({ id, name: "everything", status: "ok" });
    const byName: any = await reader.callTool({ name: SERVERS, arguments: { action: "get", id: "everything" } });
    expect(byName.structuredContent.server.id).toBe(id);
    for (const answer of [listed, byId]) {
      expect(JSON.stringify(answer)).not.toContain(HEADER_SECRET);
      expect(JSON.stringify(answer)).not.toContain(CREDENTIAL_SECRET);
    }

    await expect(reader.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "sneaky", url: everything.url } } })).rejects.toThrow(/Tool requires scopes: platform.mcp_servers:write/);
    await expect(reader.callTool({ name: SERVERS, arguments: { action: "remove", id } })).rejects.toThrow(/Tool requires scopes: platform.mcp_servers:write/);
    await reader.close();
    expect(await world.db.mcpServer.count({ where: { projectId: a.project.id } })).toBe(1);
  });

  it("another project's server is not found by id or name, and removing one's own drops its tools", async () => {
    const other = await connectClient(b.mcpUrl, await keyWith(b, ["platform.mcp_servers:write"]));
    const addedB: any = await other.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "bserver", url: everything.url } } });
    expect(addedB.structuredContent.server).toMatchObject({ name: "bserver", status: "ok" });
    await other.close();

    const admin = await connectClient(a.mcpUrl, await keyWith(a, ["platform.mcp_servers:write"]));
    for (const ref of [addedB.structuredContent.server.id, "bserver"]) {
      for (const action of ["get", "refresh", "remove"]) {
        const r: any = await admin.callTool({ name: SERVERS, arguments: { action, id: ref } });
        expect(r.isError).toBe(true);
        expect(text(r)).toMatch(/not found/);
      }
    }
    expect(await world.db.mcpServer.count({ where: { projectId: b.project.id } })).toBe(1);

    const removed: any = await admin.callTool({ name: SERVERS, arguments: { action: "remove", id: "everything" } });
    expect(removed.structuredContent).toMatchObject({ name: "everything", removed: true });
    expect(await world.db.auditLog.count({ where: { action: "mcp_server.delete", targetId: removed.structuredContent.id } })).toBe(1);
    await admin.close();
    const caller = await connectClient(a.mcpUrl, await keyWith(a, []));
    expect((await caller.listTools()).tools.map((t) => t.name)).not.toContain("everything_echo");
    await caller.close();
  });

  it("the approval policy can hold an add; one carrying a credential is refused rather than stored in clear while it waits", async () => {
    await world.db.project.update({ where: { id: b.project.id }, data: { approvalPolicy: "non_read_only", configVersion: { increment: 1 } } });
    try {
      const client = await connectClient(b.mcpUrl, await keyWith(b, ["platform.mcp_servers:write"]));
      const refused: any = await client.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "held", url: everything.url, credentials: { token: CREDENTIAL_SECRET } } } });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/carries secret values .* needs approval/);
      expect(await world.db.approval.count({ where: { projectId: b.project.id } })).toBe(0);
      expect(JSON.stringify(await world.db.run.findMany({ where: { projectId: b.project.id } }))).not.toContain(CREDENTIAL_SECRET);

      const pending: any = await client.callTool({ name: SERVERS, arguments: { action: "add", data: { name: "held", url: everything.url } } });
      expect(text(pending)).toMatch(/needs approval by a person and is pending/);
      await client.close();
      expect(await world.db.mcpServer.count({ where: { projectId: b.project.id, name: "held" } })).toBe(0);
      const approval = await world.db.approval.findFirstOrThrow({ where: { runId: pending._meta["tengine/runId"] } });
      const view = await getApproval(world.db, b.project.id, approval.id);
      expect(view.arguments).toMatchObject({ action: "add", data: { name: "held" } });

      const worker = federatedWorkerDeps(world, readFederationSettings({}));
      try {
        await decideApproval(world.db, { projectId: b.project.id, approvalId: approval.id, actor: { userId: "usr_approver", email: "approver@example.com" }, role: "admin", decision: "approve" });
        expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId: approval.runId });
      } finally {
        await worker.close();
      }
      const stored = await world.db.mcpServer.findFirstOrThrow({ where: { projectId: b.project.id, name: "held" } });
      expect(stored).toMatchObject({ status: "ok", credentialKeys: [] });
      const run = await world.db.run.findUniqueOrThrow({ where: { id: approval.runId } });
      expect(run.status).toBe("succeeded");
      expect(JSON.stringify(run)).not.toContain(CREDENTIAL_SECRET);
    } finally {
      await world.db.project.update({ where: { id: b.project.id }, data: { approvalPolicy: "none", configVersion: { increment: 1 } } });
    }
  });
});
