import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { createApiKey } from "../keys/create-api-key.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { createTool } from "../tools/create-tool.ts";
import { deleteTool } from "../tools/delete-tool.ts";
import { describeAuditEntries } from "./describe-audit-entries.ts";
import { listAudit, recordAudit } from "./record-audit.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const secretBox = new SecretBox(SecretBox.generateKey());
const tool = (name: string) => ({ name, description: "d", inputSchema: { type: "object" }, method: "GET", url: "https://api.example.com/x" });

beforeAll(async () => {
  database = await createTestDatabase("audit_names");
});
afterAll(() => database?.drop());

describe("describeAuditEntries", () => {
  it("names actors and targets (tool, key, member, project), marks deleted ones, and never resolves another organization's ids", async () => {
    const db = database.db;
    const org = await createOrganization(db, { name: "Named" });
    const other = await createOrganization(db, { name: "Elsewhere" });
    const project = await createProject(db, { orgId: org.id, name: "Shop" });
    const foreign = await createProject(db, { orgId: other.id, name: "Secret shop" });
    const user = await db.user.create({ data: { id: "usr_named_admin", email: "ada@example.com" } });
    await db.membership.create({ data: { id: "mem_named_admin", orgId: org.id, userId: user.id, role: "admin" } });
    const kept = await createTool(db, secretBox, project.id, tool("list_orders"));
    const gone = await createTool(db, secretBox, project.id, tool("old_tool"));
    await deleteTool(db, project.id, gone.id);
    const key = await createApiKey(db, project.id, { name: "Checkout key" });
    const foreignTool = await createTool(db, secretBox, foreign.id, tool("foreign_tool"));

    const actor = { userId: user.id }; // no email recorded: looked up
    await recordAudit(db, { orgId: org.id, projectId: project.id, actor, action: "tool.update", targetType: "tool", targetId: kept.id, details: { name: "list_orders" } });
    await recordAudit(db, { orgId: org.id, projectId: project.id, actor, action: "tool.delete", targetType: "tool", targetId: gone.id, details: { name: "old_tool" } });
    await recordAudit(db, { orgId: org.id, projectId: project.id, actor: { email: "tengine CLI" }, action: "api_key.create", targetType: "api_key", targetId: key.id });
    await recordAudit(db, { orgId: org.id, actor, action: "member.role_change", targetType: "user", targetId: user.id, details: { email: "ada@example.com", from: "member", to: "admin" } });
    await recordAudit(db, { orgId: org.id, projectId: project.id, actor: {}, action: "project.settings_update", targetType: "project", targetId: project.id });
    await recordAudit(db, { orgId: org.id, projectId: project.id, actor, action: "tool.update", targetType: "tool", targetId: foreignTool.id });

    const { entries } = await listAudit(db, org.id);
    const views = await describeAuditEntries(db, org.id, entries);
    const byAction = (action: string, targetId: string) => views.get(entries.find((e) => e.action === action && e.targetId === targetId)!.id)!;

    expect(byAction("tool.update", kept.id)).toEqual({ actorLabel: "ada@example.com", actorIsPerson: true, target: { kind: "tool", label: "list_orders", exists: true, projectSlug: project.slug, toolName: "list_orders" } });
    expect(byAction("tool.delete", gone.id).target).toEqual({ kind: "tool", label: "old_tool", exists: false, projectSlug: project.slug });
    expect(byAction("api_key.create", key.id)).toMatchObject({ actorLabel: "tengine CLI", actorIsPerson: false, target: { kind: "api_key", label: "Checkout key", exists: true } });
    expect(byAction("member.role_change", user.id).target).toMatchObject({ kind: "user", label: "ada@example.com", exists: true });
    expect(byAction("project.settings_update", project.id)).toMatchObject({ actorLabel: "CLI / operator", target: { kind: "project", label: "Shop", projectSlug: project.slug } });
    // An id of another organization's tool stays an id: no name, no link.
    expect(byAction("tool.update", foreignTool.id).target).toEqual({ kind: "tool", label: foreignTool.id, exists: false, projectSlug: project.slug });
  });
});
