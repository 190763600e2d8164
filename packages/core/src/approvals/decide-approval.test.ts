import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { newId } from "../ids/new-id.ts";
import type { Principal } from "../principal/principal.ts";
import { createProject } from "../projects/create-project.ts";
import { createTool } from "../tools/create-tool.ts";
import { decideApproval } from "./decide-approval.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let project: { id: string; slug: string };
let toolId: string;

beforeAll(async () => {
  database = await createTestDatabase("decide_approval");
  const org = await database.db.organization.create({ data: { id: newId("org"), name: "Acme", slug: "acme" } });
  project = await createProject(database.db, { orgId: org.id, name: "CRM", slug: "crm" });
  toolId = (await createTool(database.db, new SecretBox(SecretBox.generateKey()), project.id, { name: "refund", description: "Refunds", inputSchema: { type: "object" }, method: "POST", url: "https://pay.example/refunds" })).id;
});
afterAll(() => database?.drop());

/** A call waiting for a person, made by `principal` (as the gateway stores it). */
async function waiting(principal: Omit<Principal, "projectId" | "projectSlug" | "scopes">) {
  const runId = newId("run");
  const approvalId = newId("approval");
  await database.db.run.create({ data: { id: runId, projectId: project.id, toolId, toolName: "refund", status: "pending", principalKind: principal.kind } });
  await database.db.approval.create({ data: { id: approvalId, projectId: project.id, runId, toolId, toolName: "refund", principal: { projectId: project.id, projectSlug: project.slug, scopes: null, ...principal }, arguments: {}, expiresAt: new Date(Date.now() + 3600_000) } });
  return approvalId;
}

describe("decideApproval: nobody decides on their own call", () => {
  it("refuses the user who made the call and the member whose session made it, in any case of the email", async () => {
    const tried = await waiting({ kind: "dashboard", userId: "usr_alice" });
    await expect(decideApproval(database.db, { projectId: project.id, approvalId: tried, actor: { userId: "usr_alice", email: "alice@acme.example" }, role: "owner", decision: "approve" })).rejects.toMatchObject({ code: "forbidden" });
    const session = await waiting({ kind: "member", memberId: "m-1", member: { id: "m-1", email: "Pat@Acme.example" } });
    await expect(decideApproval(database.db, { projectId: project.id, approvalId: session, actor: { userId: "usr_pat", email: "pat@acme.example" }, role: "admin", decision: "deny" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await database.db.approval.findMany({ where: { id: { in: [tried, session] } } })).map((a) => a.status)).toEqual(["pending", "pending"]);
    expect(await database.db.auditLog.count()).toBe(0);

    // Someone else decides them.
    expect(await decideApproval(database.db, { projectId: project.id, approvalId: tried, actor: { userId: "usr_bob", email: "bob@acme.example" }, role: "member", decision: "approve" })).toMatchObject({ status: "approved" });
    expect(await decideApproval(database.db, { projectId: project.id, approvalId: session, actor: { userId: "usr_alice", email: "alice@acme.example" }, role: "member", decision: "deny" })).toMatchObject({ status: "denied" });
  });

  it("lets any member decide a call made with an API key", async () => {
    const byKey = await waiting({ kind: "api_key", keyId: "key_x" });
    expect(await decideApproval(database.db, { projectId: project.id, approvalId: byKey, actor: { userId: "usr_alice", email: "alice@acme.example" }, role: "member", decision: "approve" })).toMatchObject({ status: "approved" });
  });
});
