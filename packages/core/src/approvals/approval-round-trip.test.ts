import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { newId } from "../ids/new-id.ts";
import type { Principal } from "../principal/principal.ts";
import { createProject } from "../projects/create-project.ts";
import { createTool } from "../tools/create-tool.ts";
import { openApprovalState, sealApprovalState } from "./approval-request-state.ts";
import { APPROVAL_INPUT_KEY, approvalInputRequired, resumeApprovalRoundTrip } from "./approval-round-trip.ts";
import { decideApproval } from "./decide-approval.ts";
import { answerRunTask, createTaskResult, getRunTask } from "./run-task.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let project: { id: string; slug: string };
let other: { id: string; slug: string };
let toolId: string;
const box = new SecretBox(SecretBox.generateKey());
const dashboardUrl = "https://dash.example.com";

const alice = (projectId: string): Principal => ({ kind: "api_key", keyId: "key_alice", projectId, projectSlug: "crm", scopes: null }) as Principal;
const bob = (projectId: string): Principal => ({ kind: "api_key", keyId: "key_bob", projectId, projectSlug: "crm", scopes: null }) as Principal;

beforeAll(async () => {
  database = await createTestDatabase("approval_round_trip");
  const org = await database.db.organization.create({ data: { id: newId("org"), name: "Acme", slug: "acme" } });
  project = await createProject(database.db, { orgId: org.id, name: "CRM", slug: "crm" });
  other = await createProject(database.db, { orgId: org.id, name: "Ops", slug: "ops" });
  toolId = (await createTool(database.db, box, project.id, { name: "refund", description: "Refunds", inputSchema: { type: "object" }, method: "POST", url: "https://pay.example/refunds" })).id;
});
afterAll(() => database?.drop());

/** A call of `refund` by alice waiting for a person, as the gateway stores it. */
async function waitingCall(expiresInMs = 3_600_000) {
  const runId = newId("run");
  await database.db.run.create({ data: { id: runId, projectId: project.id, toolId, toolName: "refund", status: "pending", principalKind: "api_key", apiKeyId: "key_alice" } });
  const approvalId = newId("approval");
  const expiresAt = new Date(Date.now() + expiresInMs);
  await database.db.approval.create({ data: { id: approvalId, projectId: project.id, runId, toolId, toolName: "refund", principal: { ...alice(project.id) }, arguments: { amount: 5 }, expiresAt } });
  return { runId, approvalId, expiresAt };
}

describe("the sealed request state of an approval", () => {
  const args = { amount: 5, currency: "eur" };
  const sealed = () => sealApprovalState(box, project.id, { runId: "run_x", tool: "refund", args, principal: alice(project.id), expiresAt: new Date(Date.now() + 60_000), asked: false });

  it("opens for the same caller retrying the same call, whatever the key order of the arguments", () => {
    const opened = openApprovalState(box, project.id, sealed(), { tool: "refund", args: { currency: "eur", amount: 5 }, principal: alice(project.id) });
    expect(opened).toMatchObject({ ok: true, state: { runId: "run_x", tool: "refund", principal: "api_key:key_alice" } });
  });

  it("is refused when altered, from another project or deployment, another caller, another call, or expired", () => {
    const state = sealed();
    const flipped = state.slice(0, -3) + (state.at(-3) === "A" ? "B" : "A") + state.slice(-2);
    const retry = { tool: "refund", args, principal: alice(project.id) };
    expect(openApprovalState(box, project.id, flipped, retry)).toMatchObject({ ok: false, code: "unreadable" });
    expect(openApprovalState(box, project.id, "not-a-state", retry)).toMatchObject({ ok: false, code: "unreadable" });
    expect(openApprovalState(box, other.id, state, retry)).toMatchObject({ ok: false, code: "unreadable" });
    expect(openApprovalState(new SecretBox(SecretBox.generateKey()), project.id, state, retry)).toMatchObject({ ok: false, code: "unreadable" });
    expect(openApprovalState(box, project.id, state, { ...retry, principal: bob(project.id) })).toMatchObject({ ok: false, code: "other_principal", message: expect.stringContaining("another caller") });
    expect(openApprovalState(box, project.id, state, { ...retry, args: { amount: 500, currency: "eur" } })).toMatchObject({ ok: false, code: "other_call" });
    expect(openApprovalState(box, project.id, state, { ...retry, tool: "charge" })).toMatchObject({ ok: false, code: "other_call" });
    expect(openApprovalState(box, project.id, state, { ...retry, now: Date.now() + 61_000 })).toMatchObject({ ok: false, code: "expired" });
  });
});

describe("approvals over multi round-trip requests", () => {
  const call = () => ({ project, principal: alice(project.id), tool: "refund", args: { amount: 5 }, canOpenUrls: true });

  it("asks a client that opens URLs to open the approval page; one that cannot gets the state only", async () => {
    const { runId, expiresAt } = await waitingCall();
    const asked = approvalInputRequired({ secretBox: box, dashboardUrl }, { ...call(), runId, expiresAt });
    expect(asked).toMatchObject({
      resultType: "input_required",
      requestState: expect.any(String),
      inputRequests: { [APPROVAL_INPUT_KEY]: { method: "elicitation/create", params: { mode: "url", url: `${dashboardUrl}/projects/crm/approvals?run=${runId}#${runId}` } } },
    });
    const stateOnly = approvalInputRequired({ secretBox: box, dashboardUrl }, { ...call(), canOpenUrls: false, runId, expiresAt });
    expect(stateOnly.inputRequests).toBeUndefined();
    expect(stateOnly.requestState).toEqual(expect.any(String));
  });

  it("answers a retry input_required while pending, then the result once a person decided", async () => {
    const { runId, approvalId, expiresAt } = await waitingCall();
    const first = approvalInputRequired({ secretBox: box, dashboardUrl }, { ...call(), runId, expiresAt });
    const again = await resumeApprovalRoundTrip({ db: database.db, secretBox: box, dashboardUrl }, { ...call(), requestState: first.requestState, inputResponses: { [APPROVAL_INPUT_KEY]: { action: "accept" } }, waitMs: 0 });
    expect(again).toMatchObject({ kind: "input_required", runId, result: { resultType: "input_required" } });
    // The user was asked once; later legs carry the state only.
    expect(again.kind === "input_required" && again.result.inputRequests).toBeFalsy();

    await decideApproval(database.db, { projectId: project.id, approvalId, actor: { userId: "usr_carol", email: "carol@acme.example" }, role: "admin", decision: "deny", reason: "not this month" });
    const denied = await resumeApprovalRoundTrip({ db: database.db, secretBox: box, dashboardUrl }, { ...call(), requestState: first.requestState, waitMs: 0 });
    expect(denied).toMatchObject({ kind: "result", runId, result: { isError: true } });
    expect(JSON.stringify(denied)).toContain("not this month");
  });

  it("denies the call at once when the user declines the URL elicitation", async () => {
    const { runId, expiresAt } = await waitingCall();
    const first = approvalInputRequired({ secretBox: box, dashboardUrl }, { ...call(), runId, expiresAt });
    const answered = await resumeApprovalRoundTrip({ db: database.db, secretBox: box, dashboardUrl }, { ...call(), requestState: first.requestState, inputResponses: { [APPROVAL_INPUT_KEY]: { action: "decline" } }, waitMs: 0 });
    expect(answered).toMatchObject({ kind: "result", result: { isError: true } });
    expect((await database.db.approval.findFirstOrThrow({ where: { runId } })).status).toBe("denied");
    expect((await database.db.run.findFirstOrThrow({ where: { id: runId } })).status).toBe("denied");
  });

  it("refuses a state replayed by another caller and one whose run is gone", async () => {
    const { runId, expiresAt } = await waitingCall();
    const first = approvalInputRequired({ secretBox: box, dashboardUrl }, { ...call(), runId, expiresAt });
    expect(await resumeApprovalRoundTrip({ db: database.db, secretBox: box }, { ...call(), principal: bob(project.id), requestState: first.requestState, waitMs: 0 })).toMatchObject({ kind: "refused", code: "other_principal" });
    await database.db.approval.deleteMany({ where: { runId } });
    await database.db.run.deleteMany({ where: { id: runId } });
    expect(await resumeApprovalRoundTrip({ db: database.db, secretBox: box }, { ...call(), requestState: first.requestState, waitMs: 0 })).toMatchObject({ kind: "refused", code: "unknown_run" });
  });
});

describe("a run as a task", () => {
  const caller = (canOpenUrls = true) => ({ project, principal: alice(project.id), canOpenUrls });
  const deps = () => ({ db: database.db, secretBox: box, dashboardUrl });

  it("waits as input_required (or working for a client that cannot open URLs), then completes with the call's result", async () => {
    const { runId, approvalId } = await waitingCall();
    const task = await getRunTask(deps(), caller(), runId);
    expect(task).toMatchObject({ taskId: runId, status: "input_required", pollIntervalMs: expect.any(Number), ttlMs: 30 * 86_400_000, inputRequests: { [APPROVAL_INPUT_KEY]: { params: { mode: "url" } } } });
    expect(createTaskResult(task!)).not.toHaveProperty("inputRequests");
    expect(await getRunTask(deps(), caller(false), runId)).toMatchObject({ status: "working", statusMessage: expect.stringContaining("/approvals?run=") });

    await decideApproval(database.db, { projectId: project.id, approvalId, actor: { userId: "usr_carol", email: "carol@acme.example" }, role: "admin", decision: "deny", reason: "no" });
    expect(await getRunTask(deps(), caller(), runId)).toMatchObject({ status: "completed", result: { isError: true, resultType: "complete" } });
  });

  it("is cancelled by its caller while it waits; another caller sees no such task and cannot cancel it", async () => {
    const { runId } = await waitingCall();
    expect(await getRunTask(deps(), { ...caller(), principal: bob(project.id) }, runId)).toBeNull();
    expect(await answerRunTask(deps(), { project, principal: bob(project.id) }, runId, { cancel: true })).toBe(false);
    expect((await database.db.run.findFirstOrThrow({ where: { id: runId } })).status).toBe("pending");
    expect(await answerRunTask(deps(), { project, principal: alice(project.id) }, runId, { cancel: true })).toBe(true);
    expect(await getRunTask(deps(), caller(), runId)).toMatchObject({ status: "cancelled" });
  });

  it("knows no task of another project", async () => {
    const { runId } = await waitingCall();
    expect(await getRunTask(deps(), { ...caller(), project: other }, runId)).toBeNull();
  });
});
