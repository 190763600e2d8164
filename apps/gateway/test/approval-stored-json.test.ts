import { declineApprovalInClient, decideApproval, executeApprovedRun, getRun, listApprovals, type ToolCallDeps } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, connectClient, echoSchema, startUpstream, startWorkerDeps, startWorld } from "./harness.ts";

// What an approved call reads back from storage (the stored principal, the request the
// approver saw) is validated like input. A column edited into another shape never lets a call
// through: the run ends refused and the real upstream receives nothing.

type World = Awaited<ReturnType<typeof startWorld>>;
type Project = Awaited<ReturnType<World["createProjectWithKey"]>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let worker: ToolCallDeps & { close(): Promise<void> };
const actor = { userId: "usr_approver", email: "approver@example.com" };

beforeAll(async () => {
  world = await startWorld("stored_json", { approvalWaitMs: 15_000 });
  upstream = await startUpstream();
  worker = startWorkerDeps(world);
}, 60_000);

afterAll(() => closeAll(worker, world, upstream));

async function projectWithRefund(name: string) {
  const p = await world.createProjectWithKey(name);
  await world.addTool(p.project.id, { name: "refund", description: "refund", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/refund/${p.project.slug}`, body: { amount: "{{input.amount}}" }, requiresApproval: true });
  return p;
}

const sentFor = (p: Project) => upstream.requests.filter((r) => r.url === `/refund/${p.project.slug}`).length;

async function pendingApproval(p: Project) {
  for (let i = 0; i < 200; i++) {
    const row = await world.db.approval.findFirst({ where: { projectId: p.project.id, status: "pending" }, orderBy: { id: "desc" } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no pending approval");
}

describe("approved calls read their stored JSON validated", () => {
  it("a stored request of another shape cannot be compared with the approved one: not sent", async () => {
    const p = await projectWithRefund("Stored request");
    const client = await connectClient(p.mcpUrl, p.key);
    const call = client.callTool({ name: "refund", arguments: { amount: 3 } });
    const approval = await pendingApproval(p);
    await world.db.run.update({ where: { id: approval.runId }, data: { request: { method: 42, headers: "none" } } });
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId: approval.runId });
    const result: any = await call;
    await client.close();
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toContain("was changed after the call was approved");
    expect(await getRun(world.db, p.project.id, approval.runId)).toMatchObject({ status: "failed" });
    expect(sentFor(p)).toBe(0);
  });

  it("an unreadable stored principal: listed from its run, not declinable by a caller, denied at execution", async () => {
    const p = await projectWithRefund("Stored principal");
    const client = await connectClient(p.mcpUrl, p.key);
    const call = client.callTool({ name: "refund", arguments: { amount: 4 } });
    const approval = await pendingApproval(p);
    await world.db.approval.update({ where: { id: approval.id }, data: { principal: { kind: "root", scopes: "all" } } });

    // the queue still says who made the call, from the run's typed columns
    const listed = await listApprovals(world.db, p.project.id);
    expect(listed.pending.find((a) => a.id === approval.id)?.principal).toEqual({ kind: "api_key", keyId: p.keyId });
    expect(listed.pending.find((a) => a.id === approval.id)?.request).toMatchObject({ method: "POST", url: `${upstream.url}/refund/${p.project.slug}` });

    // no caller matches a principal that does not parse
    const caller = { projectId: p.project.id, projectSlug: p.project.slug, kind: "api_key" as const, keyId: p.keyId, scopes: [] };
    expect(await declineApprovalInClient(world.db, { projectId: p.project.id, runId: approval.runId, principal: caller })).toBe(false);

    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
    expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId: approval.runId });
    const result: any = await call;
    await client.close();
    expect(result.isError).toBe(true);
    expect(await getRun(world.db, p.project.id, approval.runId)).toMatchObject({ status: "denied", error: "Not sent: the call's stored principal is unreadable" });
    expect(sentFor(p)).toBe(0);
  });
});
