import { decideApproval, executeApprovedRun, getRun, revokeApiKey, revokeConnection, setMemberAssertionSecret, type ToolCallDeps, updateProjectSettings, updateTool } from "@tengine/core";
import { createMemberAssertion, mintMemberSession } from "@tengine/sdk";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, obtainTokens, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";
import { closeAll, connectClient, echoSchema, startUpstream, startWorkerDeps, startWorld } from "./harness.ts";

// An approved call is sent later, by the worker, with the principal stored when it was made.
// Before sending it passes the same principal-authorization rule as a direct call, against
// the state stored NOW. One test per condition: the change happens while the call waits for
// its approver, the approver approves, the worker's executeApprovedRun runs — the run ends
// `denied`, the waiting client gets the reason, and the real upstream receives nothing.

type World = Awaited<ReturnType<typeof startWorld>>;
type Project = Awaited<ReturnType<World["createProjectWithKey"]>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let worker: ToolCallDeps & { close(): Promise<void> };
const actor = { userId: "usr_approver", email: "approver@example.com" };
const CEILING = ["contacts:read", "contacts:write"];

beforeAll(async () => {
  world = await startWorld("reauth", { approvalWaitMs: 15_000 });
  upstream = await startUpstream();
  // The worker's view of the world: its own pool, runtime cache and outbound client.
  worker = startWorkerDeps(world);
}, 60_000);

afterAll(() => closeAll(worker, world, upstream));

/** A project with one approval-required tool that needs `contacts:write`. */
const refundTool = (slug: string) => ({
  name: "refund",
  description: "refund",
  inputSchema: echoSchema,
  method: "POST" as const,
  url: `${upstream.url}/refund/${slug}`,
  body: { amount: "{{input.amount}}" },
  requiresApproval: true,
  requiredScopes: ["contacts:write"],
});

async function projectWithRefund(name: string): Promise<Project & { toolId: string }> {
  const p = await world.createProjectWithKey(name);
  await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes: CEILING });
  const tool = await world.addTool(p.project.id, refundTool(p.project.slug));
  return { ...p, toolId: tool.id };
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

/**
 * Makes the call with `credential`, and while it waits for its approver applies `change`;
 * then approves and executes it as the worker does. Returns what the waiting client got.
 */
async function approveAfter(p: Project, credential: string, change: () => Promise<unknown>) {
  const client = await connectClient(p.mcpUrl, credential);
  const call = client.callTool({ name: "refund", arguments: { amount: 7 } });
  const approval = await pendingApproval(p);
  await change();
  await decideApproval(world.db, { projectId: p.project.id, approvalId: approval.id, actor, role: "member", decision: "approve" });
  expect(await executeApprovedRun(worker, approval.id)).toEqual({ executed: true, runId: approval.runId });
  const result: any = await call;
  await client.close();
  const run = await getRun(world.db, p.project.id, approval.runId);
  return { text: result.content.map((c: any) => c.text).join("\n") as string, isError: result.isError as boolean, run };
}

async function expectDenied(p: Project, outcome: Awaited<ReturnType<typeof approveAfter>>, reason: string) {
  const message = `Not sent: ${reason} after the call was approved`;
  expect(outcome.isError).toBe(true);
  expect(outcome.text).toBe(message);
  expect(outcome.run).toMatchObject({ status: "denied", error: message });
  expect(sentFor(p)).toBe(0);
}

describe("an approved call made with an API key", () => {
  it("is sent when nothing changed (the baseline the denials below differ from)", async () => {
    const p = await projectWithRefund("Baseline");
    const outcome = await approveAfter(p, p.key, async () => {});
    expect(outcome.isError).toBeFalsy();
    expect(outcome.run).toMatchObject({ status: "succeeded" });
    expect(sentFor(p)).toBe(1);
  });

  it("is not sent when the key was revoked", async () => {
    const p = await projectWithRefund("Key revoked");
    await expectDenied(p, await approveAfter(p, p.key, () => revokeApiKey(world.db, p.project.id, p.keyId)), "the API key was revoked");
  });

  it("is not sent when the key expired", async () => {
    const p = await projectWithRefund("Key expired");
    const outcome = await approveAfter(p, p.key, () => world.db.apiKey.update({ where: { id: p.keyId }, data: { expiresAt: new Date(Date.now() - 1000) } }));
    await expectDenied(p, outcome, "the API key expired");
  });

  it("is not sent when MCP was disabled for the project", async () => {
    const p = await projectWithRefund("MCP off");
    await expectDenied(p, await approveAfter(p, p.key, () => setPolicy(world, p.project.id, { mcpEnabled: false })), "MCP access to the project was disabled");
  });

  it("is not sent when the project started requiring a member identity", async () => {
    const p = await projectWithRefund("Members required");
    await expectDenied(p, await approveAfter(p, p.key, () => updateProjectSettings(world.db, p.project.id, { requireMember: true })), "the project now requires a member identity");
  });
});

describe("an approved call made with a member session", () => {
  it("is not sent when the member-assertion key was changed", async () => {
    const p = await projectWithRefund("Member key rotated");
    const { secret } = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    const assertion = await createMemberAssertion({ secret }, { sub: "user_42", email: "ada@example.com", audience: world.config.publicUrl });
    const session = await mintMemberSession({ gatewayUrl: world.base, apiKey: p.key, assertion });
    const outcome = await approveAfter(p, session.token, () => setMemberAssertionSecret(world.db, world.secretBox, p.project.id));
    await expectDenied(p, outcome, "the project's member-assertion key was changed");
  });

  it("is not sent when the minting API key was revoked", async () => {
    const p = await projectWithRefund("Member key revoked");
    const { secret } = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    const assertion = await createMemberAssertion({ secret }, { sub: "user_43", audience: world.config.publicUrl });
    const session = await mintMemberSession({ gatewayUrl: world.base, apiKey: p.key, assertion });
    await expectDenied(p, await approveAfter(p, session.token, () => revokeApiKey(world.db, p.project.id, p.keyId)), "the API key was revoked");
  });
});

describe("an approved call made with an OAuth access token", () => {
  async function oauthCaller(name: string) {
    const p = await projectWithRefund(name);
    const clientId = await registerPublic(world.base);
    const userId = await createUser(world);
    const tokens = await obtainTokens(world, { base: world.base, clientId, resource: `${world.config.publicUrl}/p/${p.project.slug}/mcp`, userId, scope: "contacts:read contacts:write" });
    return { p, clientId, userId, accessToken: tokens.access_token, connectionId: decodeJwt(tokens.access_token).cid as string };
  }

  it("is not sent when the connection was revoked", async () => {
    const c = await oauthCaller("Connection revoked");
    const outcome = await approveAfter(c.p, c.accessToken, () => revokeConnection(world.db, { projectId: c.p.project.id, connectionId: c.connectionId, actor: { userId: c.userId }, reason: "user" }));
    await expectDenied(c.p, outcome, "the OAuth connection was revoked");
  });

  it("is not sent when the user left the organization", async () => {
    const c = await oauthCaller("User removed");
    const outcome = await approveAfter(c.p, c.accessToken, () => world.db.membership.deleteMany({ where: { orgId: world.org.id, userId: c.userId } }));
    await expectDenied(c.p, outcome, "the user is no longer a member of the organization");
  });

  it("is not sent when the client was taken off the allowlist", async () => {
    const c = await oauthCaller("Client disallowed");
    const outcome = await approveAfter(c.p, c.accessToken, () => setPolicy(world, c.p.project.id, { clientIds: ["client_someone_else"] }));
    await expectDenied(c.p, outcome, "the OAuth client is no longer allowed for the project");
  });

  it("is not sent when the scope ceiling was lowered below the token's scopes", async () => {
    const c = await oauthCaller("Ceiling lowered");
    const outcome = await approveAfter(c.p, c.accessToken, () => setPolicy(world, c.p.project.id, { scopes: ["contacts:read"] }));
    await expectDenied(c.p, outcome, "the token's scopes are above the project's current OAuth scope ceiling");
  });

  it("is not sent when the tool now requires a scope the token does not hold", async () => {
    const c = await oauthCaller("Tool scopes raised");
    const outcome = await approveAfter(c.p, c.accessToken, async () => {
      await setPolicy(world, c.p.project.id, { scopes: [...CEILING, "deals:write"] });
      await updateTool(world.db, world.secretBox, c.p.project.id, c.p.toolId, { ...refundTool(c.p.project.slug), requiredScopes: ["contacts:write", "deals:write"] });
    });
    await expectDenied(c.p, outcome, "the tool now requires scopes the caller does not hold");
  });
});
