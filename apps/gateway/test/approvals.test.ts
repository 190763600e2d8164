import { randomBytes } from "node:crypto";
import { createApiKey, decideApproval, executeApprovedRun, expireApprovals, getRun, sweepApprovedRuns, listAudit, revokeApiKey, setApprovalPolicy, type ToolCallDeps } from "@tengine/core";
import { createJobQueue } from "@tengine/queue";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, connectClient, echoSchema, rpc, startUpstream, startWorkerDeps, startWorld } from "./harness.ts";

// Human approval (DESIGN §7 step 6): an approval-required call waits for a decision taken in
// core (what the dashboard does) and is executed by core's executeApprovedRun (what the
// worker does), against a real upstream, database and MCP SDK client.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let worker: ToolCallDeps & { close(): Promise<void> };
const actor = { userId: "usr_approver", email: "approver@example.com" };

const WAIT_MS = 5_000;

beforeAll(async () => {
  world = await startWorld("approvals", { approvalWaitMs: WAIT_MS });
  upstream = await startUpstream();
  p = await world.createProjectWithKey("Approvals");
  const tool = (name: string, extra: Record<string, unknown> = {}) =>
    world.addTool(p.project.id, { name, description: name, inputSchema: echoSchema, method: "POST", url: `${upstream.url}/${name}`, body: { amount: "{{input.amount}}" }, ...extra });
  await tool("refund", { requiresApproval: true });
  await tool("delete_contact", { annotations: { destructiveHint: true } });
  await tool("create_note");
  await tool("get_contact", { method: "GET", body: undefined, annotations: { readOnlyHint: true } });
  // The worker's view of the world: its own pool, runtime cache and outbound client.
  worker = startWorkerDeps(world);
}, 60_000);

afterAll(() => closeAll(worker, world, upstream));

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const hits = (name: string) => upstream.requests.filter((r) => r.url === `/${name}`);

/** Waits for the pending approval of a tool (the call creates it a moment after it starts). */
async function pendingApproval(toolName: string) {
  for (let i = 0; i < 100; i++) {
    const row = await world.db.approval.findFirst({ where: { projectId: p.project.id, toolName, status: "pending" }, orderBy: { id: "desc" } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no pending approval for ${toolName}`);
}

describe("approval-required calls", () => {
  it("waits for the decision; approved and executed once, the call returns the upstream result", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = hits("refund").length;
    const call = client.callTool({ name: "refund", arguments: { amount: 42 } });
    const approval = await pendingApproval("refund");

    // Nothing goes out before the decision; the approver sees the rendered request, redacted.
    expect(hits("refund").length).toBe(before);
    const pendingRun = await getRun(world.db, p.project.id, approval.runId);
    expect(pendingRun).toMatchObject({ status: "pending", toolName: "refund", finishedAt: null });
    expect((pendingRun!.request as any).url).toBe(`${upstream.url}/refund`);
    expect(approval.principal).toMatchObject({ kind: "api_key", keyId: p.keyId });
    expect(approval.arguments).toEqual({ amount: 42 });

    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve", reason: "looks right" });
    const first = await executeApprovedRun(worker, approval.id);
    const again = await executeApprovedRun(worker, approval.id);
    expect(first).toEqual({ executed: true, runId: approval.runId });
    expect(again).toEqual({ executed: false, runId: approval.runId });

    const result: any = await call;
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ ok: true, path: "/refund", body: { amount: 42 } });
    expect(result._meta["tengine/runId"]).toBe(approval.runId);
    expect(hits("refund").length).toBe(before + 1);
    // The upstream can dedupe a re-execution: the Idempotency-Key is the run's.
    expect(hits("refund").at(-1)!.headers["idempotency-key"]).toBe(approval.runId);
    expect(hits("refund").at(-1)!.headers["x-tengine-run-id"]).toBe(approval.runId);

    const run = await getRun(world.db, p.project.id, approval.runId);
    expect(run).toMatchObject({ status: "succeeded", httpStatus: 200, attempts: 1 });
    const audit = await listAudit(world.db, world.org.id);
    expect(audit.entries.find((e) => e.action === "approval.approve" && e.targetId === approval.id)).toMatchObject({ actorEmail: actor.email, details: { reason: "looks right", runId: approval.runId } });
  });

  it("denied: a tool error naming the approver and reason; the upstream is never called", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = hits("refund").length;
    const call = client.callTool({ name: "refund", arguments: { amount: 1_000_000 } });
    const approval = await pendingApproval("refund");
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "admin", decision: "deny", reason: "too large" });
    const result: any = await call;
    await client.close();

    expect(result.isError).toBe(true);
    expect(text(result)).toBe("denied by approver@example.com: too large");
    expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: false, runId: approval.runId });
    expect(hits("refund").length).toBe(before);
    expect(await getRun(world.db, p.project.id, approval.runId)).toMatchObject({ status: "denied", error: "denied by approver@example.com: too large" });
    const audit = await listAudit(world.db, world.org.id);
    expect(audit.entries.find((e) => e.action === "approval.deny" && e.targetId === approval.id)).toMatchObject({ details: { reason: "too large" } });
    // A decided approval cannot be decided again; viewers never decide.
    await expect(decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "admin", decision: "approve" })).rejects.toThrow(/already denied/);
  });

  it("viewers cannot decide, and another project's approval is not found", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const call = client.callTool({ name: "refund", arguments: { amount: 3 } });
    const approval = await pendingApproval("refund");
    await expect(decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "viewer", decision: "approve" })).rejects.toThrow(/member role/);
    const other = await world.createProjectWithKey("Other project");
    await expect(decideApproval(world.db, { projectId: other.project.id, approvalId: approval.id, actor, role: "owner", decision: "approve" })).rejects.toThrow(/not found/);
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "deny" });
    expect(text(await call)).toBe("denied by approver@example.com: no reason given");
    await client.close();
  });

  it("times out as a pending result; tengine_run_status returns the result after approval", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = hits("refund").length;
    const started = Date.now();
    const result: any = await client.callTool({ name: "refund", arguments: { amount: 7 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 100);
    expect(result.isError).toBeFalsy();
    const runId = result._meta["tengine/runId"];
    expect(runId).toMatch(/^run_/);
    expect(result._meta["tengine/pendingApproval"]).toBe(true);
    expect(text(result)).toContain(`pending (run ${runId})`);
    expect(text(result)).toContain("tengine_run_status");

    const pending: any = await client.callTool({ name: "tengine_run_status", arguments: { runId } });
    expect(pending.isError).toBeFalsy();
    expect(pending.structuredContent).toMatchObject({ runId, status: "pending", tool: "refund" });

    const approval = await world.db.approval.findUniqueOrThrow({ where: { runId } });
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "owner", decision: "approve" });
    await executeApprovedRun(worker, approval.id);
    expect(hits("refund").length).toBe(before + 1);

    const done: any = await client.callTool({ name: "tengine_run_status", arguments: { runId } });
    await client.close();
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ runId, status: "succeeded", httpStatus: 200, result: { ok: true, path: "/refund", body: { amount: 7 } } });
  }, 20_000);

  it("another principal's run is not found by tengine_run_status", async () => {
    const mine: any = await (await connectClient(p.mcpUrl, p.key)).callTool({ name: "create_note", arguments: { amount: 1 } });
    const runId = mine._meta["tengine/runId"];
    const otherKey = await createApiKey(world.db, p.project.id, { name: "other", scopes: [] });
    const other = await connectClient(p.mcpUrl, otherKey.key);
    const result: any = await other.callTool({ name: "tengine_run_status", arguments: { runId } });
    await other.close();
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(`Run ${runId} not found`);
    // and another project's key cannot see it either
    const foreign = await world.createProjectWithKey("Foreign");
    const f = await connectClient(foreign.mcpUrl, foreign.key);
    expect(text(await f.callTool({ name: "tengine_run_status", arguments: { runId } }))).toBe(`Run ${runId} not found`);
    await f.close();
  });

  it("a retry with the same Idempotency-Key joins the waiting call instead of asking twice", async () => {
    const headers = { "idempotency-key": "refund-order-77" };
    const a = await connectClient(p.mcpUrl, p.key, headers);
    const b = await connectClient(p.mcpUrl, p.key, headers);
    const before = hits("refund").length;
    const first = a.callTool({ name: "refund", arguments: { amount: 77 } });
    const approval = await pendingApproval("refund");
    const second = b.callTool({ name: "refund", arguments: { amount: 77 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await world.db.approval.count({ where: { projectId: p.project.id, status: "pending" } })).toBe(1);
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    await executeApprovedRun(worker, approval.id);
    const [r1, r2]: any[] = await Promise.all([first, second]);
    expect(r1.structuredContent).toMatchObject({ body: { amount: 77 } });
    expect(r2.structuredContent).toMatchObject({ body: { amount: 77 } });
    expect(r2._meta["tengine/deduplicated"]).toBe(true);
    expect(r2._meta["tengine/originalRunId"]).toBe(approval.runId);
    expect(hits("refund").length).toBe(before + 1);
    expect(hits("refund").at(-1)!.headers["idempotency-key"]).toBe(approval.runId);
    // after completion, the key replays the stored result
    const third: any = await a.callTool({ name: "refund", arguments: { amount: 77 } });
    expect(third._meta["tengine/deduplicated"]).toBe(true);
    expect(hits("refund").length).toBe(before + 1);
    await a.close();
    await b.close();
  });

  it("a call approved after its API key was revoked is never sent", async () => {
    const key = await createApiKey(world.db, p.project.id, { name: "short-lived", scopes: [] });
    const before = hits("refund").length;
    const res = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "refund", arguments: { amount: 5 }, _meta: { "tengine/idempotencyKey": "revoked-1" } } }, { authorization: `Bearer ${key.key}` });
    const runId = res.json.result._meta["tengine/runId"];
    expect(res.json.result._meta["tengine/pendingApproval"]).toBe(true);
    await revokeApiKey(world.db, p.project.id, key.id);
    const approval = await world.db.approval.findUniqueOrThrow({ where: { runId } });
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId });
    expect(hits("refund").length).toBe(before);
    expect(await getRun(world.db, p.project.id, runId)).toMatchObject({ status: "denied", error: "Not sent: the API key was revoked after the call was approved" });
  }, 20_000);
});

describe("expiry and the worker's sweep", () => {
  it("an approval nobody decides expires: the run is denied, run status says expired, nothing is sent", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = hits("refund").length;
    const call = client.callTool({ name: "refund", arguments: { amount: 9 } });
    const approval = await pendingApproval("refund");
    expect(await expireApprovals(world.db, { now: new Date(approval.expiresAt.getTime() - 1000) })).toBe(0);
    expect(await expireApprovals(world.db, { now: new Date(approval.expiresAt.getTime() + 1000) })).toBe(1);
    const result: any = await call;
    expect(result.isError).toBe(true);
    expect(text(result)).toBe("approval expired");
    const status: any = await client.callTool({ name: "tengine_run_status", arguments: { runId: approval.runId } });
    expect(status.structuredContent).toMatchObject({ status: "expired" });
    await client.close();
    await expect(decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "owner", decision: "approve" })).rejects.toThrow(/already expired/);
    expect(hits("refund").length).toBe(before);
  });

  it("an approval decided with a job queue is executed by the worker's approval.execute job", async () => {
    const queue = createJobQueue({});
    const executed: unknown[] = [];
    await queue.work({ "approval.execute": async (payload) => executed.push(await executeApprovedRun(worker, payload.approvalId)) });
    const client = await connectClient(p.mcpUrl, p.key);
    const call = client.callTool({ name: "refund", arguments: { amount: 12 } });
    const approval = await pendingApproval("refund");
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve", queue });
    expect(((await call) as any).structuredContent).toMatchObject({ body: { amount: 12 } });
    expect(executed).toEqual([{ executed: true, runId: approval.runId }]);
    await client.close();
    await queue.close();
  });

  it("the sweep executes approved runs nobody has taken, once", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = hits("refund").length;
    const call = client.callTool({ name: "refund", arguments: { amount: 11 } });
    const approval = await pendingApproval("refund");
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    const [a, b] = await Promise.all([sweepApprovedRuns(worker, { limit: 10 }), sweepApprovedRuns(worker, { limit: 10 })]);
    expect(a + b).toBe(1);
    expect(await sweepApprovedRuns(worker, { limit: 10 })).toBe(0);
    expect(((await call) as any).structuredContent).toMatchObject({ body: { amount: 11 } });
    expect(hits("refund").length).toBe(before + 1);
    await client.close();
  });
});

/** An MCP SDK client that declares elicitation and answers every question with `action`. */
async function elicitingClient(action: "accept" | "decline") {
  const questions: string[] = [];
  const client = new Client({ name: "eliciting", version: "1.0.0" }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push((request.params as { message: string }).message);
    return { action };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(p.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${p.key}` } } }));
  return { client, questions };
}

describe("asking the user in the client (elicitation)", () => {
  it("a decline in the client denies the run at once; nothing is sent", async () => {
    const { client, questions } = await elicitingClient("decline");
    const before = hits("refund").length;
    const started = Date.now();
    const result: any = await client.callTool({ name: "refund", arguments: { amount: 13 } });
    await client.close();
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain(`Tool refund wants to send POST ${upstream.url}/refund with {"amount":13}`);
    expect(result.isError).toBe(true);
    expect(text(result)).toBe("declined by the user in the client");
    const runId = result._meta["tengine/runId"];
    expect(await getRun(world.db, p.project.id, runId)).toMatchObject({ status: "denied", error: "declined by the user in the client" });
    const approval = await world.db.approval.findUniqueOrThrow({ where: { runId } });
    expect(approval).toMatchObject({ status: "denied", reason: "declined by the user in the client" });
    const audit = await listAudit(world.db, world.org.id);
    expect(audit.entries.find((e) => e.action === "approval.deny" && e.targetId === approval.id)).toMatchObject({ details: { via: "elicitation", reason: "declined by the user in the client" } });
    expect(hits("refund").length).toBe(before);
  });

  it("an accept leaves the decision to the approver", async () => {
    const { client, questions } = await elicitingClient("accept");
    const before = hits("refund").length;
    const call = client.callTool({ name: "refund", arguments: { amount: 14 } });
    const approval = await pendingApproval("refund");
    await new Promise((r) => setTimeout(r, 300));
    expect(questions).toHaveLength(1);
    expect((await world.db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("pending");
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    await executeApprovedRun(worker, approval.id);
    expect(((await call) as any).structuredContent).toMatchObject({ body: { amount: 14 } });
    expect(hits("refund").length).toBe(before + 1);
    await client.close();
  });
});

describe("approval policy", () => {
  it("none: only requiresApproval tools wait", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const r: any = await client.callTool({ name: "delete_contact", arguments: { amount: 1 } });
    await client.close();
    expect(r.structuredContent).toMatchObject({ ok: true, path: "/delete_contact" });
  });

  it("destructive: destructiveHint tools wait, others do not", async () => {
    await setApprovalPolicy(world.db, { projectId: p.project.id, actor, role: "admin", policy: "destructive" });
    const client = await connectClient(p.mcpUrl, p.key);
    const note: any = await client.callTool({ name: "create_note", arguments: { amount: 2 } });
    expect(note.structuredContent).toMatchObject({ path: "/create_note" });
    const before = hits("delete_contact").length;
    const call = client.callTool({ name: "delete_contact", arguments: { amount: 2 } });
    const approval = await pendingApproval("delete_contact");
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "deny", reason: "no" });
    expect(text(await call)).toBe("denied by approver@example.com: no");
    expect(hits("delete_contact").length).toBe(before);
    await client.close();
  });

  it("non_read_only: every tool not marked readOnlyHint waits; read-only tools do not", async () => {
    await setApprovalPolicy(world.db, { projectId: p.project.id, actor, role: "owner", policy: "non_read_only" });
    const client = await connectClient(p.mcpUrl, p.key);
    const read: any = await client.callTool({ name: "get_contact", arguments: {} });
    expect(read.structuredContent).toMatchObject({ method: "GET", path: "/get_contact" });
    const call = client.callTool({ name: "create_note", arguments: { amount: 3 } });
    const approval = await pendingApproval("create_note");
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    await executeApprovedRun(worker, approval.id);
    expect((await call as any).structuredContent).toMatchObject({ path: "/create_note", body: { amount: 3 } });
    await client.close();
  });

  it("only admins change the policy; the change is audited", async () => {
    await expect(setApprovalPolicy(world.db, { projectId: p.project.id, actor, role: "member", policy: "none" })).rejects.toThrow(/admin/);
    await expect(setApprovalPolicy(world.db, { projectId: p.project.id, actor, role: "admin", policy: "everything" })).rejects.toThrow(/none, destructive, non_read_only/);
    await setApprovalPolicy(world.db, { projectId: p.project.id, actor, role: "admin", policy: "none" });
    const audit = await listAudit(world.db, world.org.id);
    expect(audit.entries.filter((e) => e.action === "approval_policy.update").map((e) => e.details)).toEqual([
      { before: "non_read_only", after: "none" },
      { before: "destructive", after: "non_read_only" },
      { before: "none", after: "destructive" },
    ]);
  });
});

describe("an elicitation answer that reaches another replica", () => {
  const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  let shared: World;
  let q: Awaited<ReturnType<World["createProjectWithKey"]>>;
  let replicaUrl: string;

  beforeAll(async () => {
    shared = await startWorld("approvals_replicas", { approvalWaitMs: 8_000, redisUrl: REDIS_URL, redisKeyPrefix: `test:${randomBytes(6).toString("hex")}:` });
    q = await shared.createProjectWithKey("Elicit across replicas");
    await shared.addTool(q.project.id, { name: "wire", description: "Wires money", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/wire`, requiresApproval: true });
    replicaUrl = (await shared.startReplica()).mcpUrl(q.project.slug);
  }, 60_000);

  afterAll(async () => {
    await shared?.close();
  });

  it("is forwarded over Redis to the replica holding the call; only the caller's own answer counts", async () => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" };
    const init = await fetch(q.mcpUrl, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${q.key}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: { elicitation: {} }, clientInfo: { name: "raw", version: "1" } } }),
    });
    const session = init.headers.get("mcp-session-id");
    expect(session).toMatch(/^tng-elicit\./);
    await init.text();

    // The call on replica A answers as a stream: first the question, later the result.
    const res = await fetch(q.mcpUrl, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${q.key}`, "mcp-session-id": session! },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "wire", arguments: { amount: 1 } } }),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    let buffer = "";
    const nextEvent = async () => {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return JSON.parse(event.split("\n").find((l) => l.startsWith("data: "))!.slice(6));
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += new TextDecoder().decode(value);
      }
    };
    const question = await nextEvent();
    expect(question).toMatchObject({ jsonrpc: "2.0", method: "elicitation/create" });
    expect(question.params.message).toContain("Tool wire wants to send POST");

    const answer = (key: string) =>
      fetch(replicaUrl, {
        method: "POST",
        headers: { ...headers, authorization: `Bearer ${key}`, "mcp-session-id": session! },
        body: JSON.stringify({ jsonrpc: "2.0", id: question.id, result: { action: "decline" } }),
      });
    // Another key of the same project cannot decline someone else's call.
    const stranger = await createApiKey(shared.db, q.project.id, { name: "stranger", scopes: [] });
    expect((await answer(stranger.key)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    const approval = await shared.db.approval.findFirstOrThrow({ where: { projectId: q.project.id, toolName: "wire" } });
    expect(approval.status).toBe("pending");

    // The caller's own answer, on replica B, reaches the call on replica A.
    expect((await answer(q.key)).status).toBe(202);
    const final = await nextEvent();
    expect(final).toMatchObject({ jsonrpc: "2.0", id: 7, result: { isError: true, content: [{ type: "text", text: "declined by the user in the client" }] } });
    expect((await shared.db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("denied");
    expect(hits("wire")).toHaveLength(0);
  }, 30_000);
});
