import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { createApiKey, decideApproval, executeApprovedRun, type ToolCallDeps } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, echoSchema, rpc, startUpstream, startWorkerDeps, startWorld } from "./harness.ts";

/**
 * Approvals for 2026-07-28 clients: a call that needs a person answers at once, either
 * `input_required` (multi round-trip requests: a URL elicitation to the approval page and a
 * sealed requestState the client retries with) or, for a client that declares the tasks
 * extension, a task it polls. Decided in core as the dashboard does, sent by core's
 * executeApprovedRun as the worker does, against a real upstream and the real SDK v2 client.
 */
type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
/** answers after 1.2 s: longer than the gateway's "becomes a task" threshold in this file */
let slowUpstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let otherKey: string;
let worker: ToolCallDeps & { close(): Promise<void> };
const MODERN = "2026-07-28";
const DASHBOARD = "https://dash.example.test";
const approver = { userId: "usr_approver", email: "approver@example.com" };

beforeAll(async () => {
  world = await startWorld("modern_approvals", { dashboardUrl: DASHBOARD, taskAfterMs: 300 });
  upstream = await startUpstream();
  slowUpstream = await startUpstream(async (req, res) => {
    await new Promise((r) => setTimeout(r, 1_200));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ slow: true, path: req.url }));
  });
  p = await world.createProjectWithKey("Modern approvals");
  otherKey = (await createApiKey(world.db, p.project.id, { name: "someone else", scopes: [] })).key;
  await world.addTool(p.project.id, { name: "refund", description: "Refunds", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/refund`, body: { amount: "{{input.amount}}" }, requiresApproval: true });
  await world.addTool(p.project.id, { name: "build_report", description: "Builds a report", inputSchema: echoSchema, method: "POST", url: `${slowUpstream.url}/report`, body: { amount: "{{input.amount}}" } });
  worker = startWorkerDeps(world);
}, 60_000);

afterAll(() => closeAll(worker, world, upstream, slowUpstream));

const hits = () => upstream.requests.filter((r) => r.url === "/refund");

async function pendingApproval(after = "") {
  for (let i = 0; i < 100; i++) {
    const row = await world.db.approval.findFirst({ where: { projectId: p.project.id, status: "pending", id: { gt: after } }, orderBy: { id: "desc" } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no pending approval");
}

/** One modern request by hand, headers mirroring the body, with the given client capabilities. */
function modern(method: string, params: Record<string, unknown>, options: { key?: string; capabilities?: Record<string, unknown>; url?: string } = {}) {
  const meta = { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": options.capabilities ?? {} };
  const headers: Record<string, string> = { authorization: `Bearer ${options.key ?? p.key}`, "mcp-protocol-version": MODERN, "mcp-method": method };
  if (method === "tools/call") headers["mcp-name"] = String(params.name);
  return rpc(options.url ?? p.mcpUrl, { jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: meta } }, headers);
}

describe("approvals over multi round-trip requests", () => {
  it("the SDK v2 client pinned to 2026-07-28 opens the approval page once and gets the result after a person approved", async () => {
    const client = new ClientV2({ name: "modern-approvals", version: "1.0.0" }, { versionNegotiation: { mode: { pin: MODERN } }, capabilities: { elicitation: { url: {} } } });
    const asked: Array<{ mode?: string; url?: string; message?: string }> = [];
    client.setRequestHandler("elicitation/create", async (request) => {
      asked.push(request.params as { mode?: string; url?: string; message?: string });
      return { action: "accept" };
    });
    await client.connect(new TransportV2(new URL(p.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${p.key}` } } }));
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    const before = hits().length;

    const call = client.callTool({ name: "refund", arguments: { amount: 42 } });
    const approval = await pendingApproval();
    // Nothing is sent while a person decides.
    expect(hits().length).toBe(before);
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor: approver, role: "member", decision: "approve" });
    expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId: approval.runId });

    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain("42");
    expect(result._meta?.["tengine/runId"]).toBe(approval.runId);
    expect(hits().length).toBe(before + 1);
    // The user was asked once, with a link to the approval.
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ mode: "url", url: `${DASHBOARD}/projects/${p.project.slug}/approvals?run=${approval.runId}#${approval.runId}` });
    await client.close();
  }, 60_000);

  it("answers input_required with a sealed state any replica accepts; a tampered, foreign or mismatched state is refused", async () => {
    const first = await modern("tools/call", { name: "refund", arguments: { amount: 7 } });
    expect(first.status).toBe(200);
    expect(first.json.result).toMatchObject({ resultType: "input_required", requestState: expect.any(String), _meta: { "tengine/runId": expect.stringMatching(/^run_/) } });
    // No URL-mode elicitation declared: nothing to open, the state only.
    expect(first.json.result.inputRequests).toBeUndefined();
    const state: string = first.json.result.requestState;
    const runId: string = first.json.result._meta["tengine/runId"];

    const retry = (params: Record<string, unknown>, options: Parameters<typeof modern>[2] = {}) => modern("tools/call", { name: "refund", arguments: { amount: 7 }, ...params }, options);
    const tampered = state.slice(0, -4) + (state.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const [params, options, message] of [
      [{ requestState: tampered }, {}, "not one this gateway issued"],
      [{ requestState: 42 }, {}, "expected the string"],
      [{ requestState: state }, { key: otherKey }, "issued to another caller"],
      [{ requestState: state, arguments: { amount: 7000 } }, {}, "belongs to another call"],
    ] as const) {
      const refused = await retry(params, options);
      expect(refused.json.error, message).toMatchObject({ code: -32602, message: expect.stringContaining(message) });
    }

    // A person denies it; the retry, on another replica, answers the denial as the tool error it is.
    const approval = await world.db.approval.findFirstOrThrow({ where: { runId } });
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor: approver, role: "member", decision: "deny", reason: "not today" });
    const replica = await world.startReplica();
    const denied = await retry({ requestState: state }, { url: replica.mcpUrl(p.project.slug) });
    expect(denied.json.result).toMatchObject({ resultType: "complete", isError: true });
    expect(JSON.stringify(denied.json.result.content)).toContain("not today");
  }, 60_000);
});

describe("approvals as tasks", () => {
  const tasks = { extensions: { "io.modelcontextprotocol/tasks": {} } };

  it("server/discover advertises the tasks extension", async () => {
    const discovered = await modern("server/discover", {});
    expect(discovered.json.result.capabilities.extensions).toHaveProperty("io.modelcontextprotocol/tasks");
  });

  it("a client declaring the extension gets a task, polls it while a person decides, and reads the result", async () => {
    const before = hits().length;
    const created = await modern("tools/call", { name: "refund", arguments: { amount: 9 } }, { capabilities: { ...tasks, elicitation: { url: {} } } });
    expect(created.json.result).toMatchObject({ resultType: "task", taskId: expect.stringMatching(/^run_/), status: "input_required", ttlMs: expect.any(Number), pollIntervalMs: expect.any(Number) });
    const taskId: string = created.json.result.taskId;

    const waiting = await modern("tasks/get", { taskId }, { capabilities: { ...tasks, elicitation: { url: {} } } });
    expect(waiting.json.result).toMatchObject({ resultType: "complete", taskId, status: "input_required", inputRequests: { tengine_approval: { method: "elicitation/create", params: { mode: "url", url: expect.stringContaining(`/approvals?run=${taskId}`) } } } });
    // Without URL elicitation the same task reads as working, with the page in its message.
    expect((await modern("tasks/get", { taskId }, { capabilities: tasks })).json.result).toMatchObject({ status: "working", statusMessage: expect.stringContaining("waiting for approval") });
    // Another caller learns nothing about it.
    expect((await modern("tasks/get", { taskId }, { key: otherKey, capabilities: tasks })).json.error).toMatchObject({ code: -32602, message: `Task not found: ${taskId}` });

    const approval = await world.db.approval.findFirstOrThrow({ where: { runId: taskId } });
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor: approver, role: "admin", decision: "approve" });
    await executeApprovedRun(worker, approval.id);
    const done = await modern("tasks/get", { taskId }, { capabilities: tasks });
    expect(done.json.result).toMatchObject({ status: "completed", result: { resultType: "complete", _meta: { "tengine/runId": taskId } } });
    expect(JSON.stringify(done.json.result.result.content)).toContain("9");
    expect(hits().length).toBe(before + 1);
  }, 60_000);

  it("tasks/cancel denies a call still waiting (nothing is sent); tasks/update with a decline does the same", async () => {
    const before = hits().length;
    for (const answer of ["cancel", "decline"] as const) {
      const created = await modern("tools/call", { name: "refund", arguments: { amount: answer === "cancel" ? 11 : 12 } }, { capabilities: tasks });
      const taskId: string = created.json.result.taskId;
      const sent = answer === "cancel" ? await modern("tasks/cancel", { taskId }, { capabilities: tasks }) : await modern("tasks/update", { taskId, inputResponses: { tengine_approval: { action: "decline" } } }, { capabilities: tasks });
      expect(sent.json.result).toEqual({ resultType: "complete", _meta: expect.any(Object) });
      expect((await modern("tasks/get", { taskId }, { capabilities: tasks })).json.result).toMatchObject({ status: "cancelled" });
      expect(await world.db.run.findFirstOrThrow({ where: { id: taskId } })).toMatchObject({ status: "denied" });
      expect(await world.db.approval.findFirstOrThrow({ where: { runId: taskId } })).toMatchObject({ status: "denied" });
    }
    expect(hits().length).toBe(before);
    expect((await modern("tasks/update", { taskId: "run_x" }, { capabilities: tasks })).json.error).toMatchObject({ code: -32602, message: expect.stringContaining("inputResponses") });
    expect((await modern("tasks/cancel", {}, { capabilities: tasks })).json.error).toMatchObject({ code: -32602, message: expect.stringContaining("taskId") });
    // Without the extension declared on the request, tasks/* do not exist for the client.
    const undeclared = await modern("tasks/get", { taskId: "run_x" });
    expect(undeclared.status).toBe(400);
    expect(undeclared.json.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { "io.modelcontextprotocol/tasks": {} } } } });
  }, 60_000);

  it("a call still running after the threshold becomes a task that completes with its result, its run written once", async () => {
    const created = await modern("tools/call", { name: "build_report", arguments: { amount: 3 } }, { capabilities: tasks });
    expect(created.json.result).toMatchObject({ resultType: "task", taskId: expect.stringMatching(/^run_/), status: "working", statusMessage: "the call is running" });
    const taskId: string = created.json.result.taskId;
    // Any replica answers for it while it runs.
    const replica = await world.startReplica();
    expect((await modern("tasks/get", { taskId }, { capabilities: tasks, url: replica.mcpUrl(p.project.slug) })).json.result).toMatchObject({ status: "working" });
    expect(await world.db.run.findFirstOrThrow({ where: { id: taskId } })).toMatchObject({ status: "running", finishedAt: null });

    let task = created.json.result;
    for (let i = 0; i < 50 && task.status === "working"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      task = (await modern("tasks/get", { taskId }, { capabilities: tasks })).json.result;
    }
    expect(task).toMatchObject({ status: "completed", result: { resultType: "complete", _meta: { "tengine/runId": taskId } } });
    expect(task.result.content[0].text).toContain('"slow":true');
    expect(await world.db.run.count({ where: { id: taskId } })).toBe(1);
    expect(await world.db.run.findFirstOrThrow({ where: { id: taskId } })).toMatchObject({ status: "succeeded", httpStatus: 200, finishedAt: expect.any(Date) });
    expect(slowUpstream.requests).toHaveLength(1);
  }, 60_000);

  it("a quick call, or a client without the extension, gets its result as usual", async () => {
    const quick = await modern("tools/call", { name: "refund", arguments: { amount: 1 } }, { capabilities: tasks });
    // refund needs approval: that is a task too; a tool without approval that answers at once is not.
    expect(quick.json.result.resultType).toBe("task");
    await world.addTool(p.project.id, { name: "ping_upstream", description: "Pings", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/ping`, body: { amount: "{{input.amount}}" } });
    const fast = await modern("tools/call", { name: "ping_upstream", arguments: { amount: 2 } }, { capabilities: tasks });
    expect(fast.json.result).toMatchObject({ resultType: "complete", isError: false });
    const waited = await modern("tools/call", { name: "build_report", arguments: { amount: 4 } });
    expect(waited.json.result).toMatchObject({ resultType: "complete" });
    expect(waited.json.result.content[0].text).toContain('"slow":true');
  }, 60_000);
});
