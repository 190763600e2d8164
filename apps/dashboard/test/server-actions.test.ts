import { authenticateUser, sha256Hex } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardUnderTest } from "./support/dashboard-under-test.ts";
import { createTenant, type Tenant } from "./support/tenant-world.ts";

/*
 * What the main dashboard actions do, through the same server actions the forms call, with a
 * real session cookie and the real database: projects, API keys, tools, approvals, members.
 * (Who may call them: server-actions-security.test.ts.)
 */

const dash = await dashboardUnderTest("dashboard_actions");
const { createProjectAction } = await import("../src/server/actions/projects.ts");
const { createKeyAction, revokeKeyAction } = await import("../src/server/actions/keys.ts");
const { createToolAction, setToolEnabledAction, deleteToolAction } = await import("../src/server/actions/tools.ts");
const { decideApprovalAction } = await import("../src/server/actions/approvals.ts");
const { addMemberAction, changeMemberRoleAction, removeMemberAction } = await import("../src/server/actions/members.ts");
const { setToolDiscoveryAction } = await import("../src/server/actions/settings.ts");

let acme: Tenant;
beforeAll(async () => {
  acme = await createTenant(dash.db, process.env.TENGINE_MASTER_KEY!, "Acme");
});
afterAll(() => dash.drop());

const audit = (action: string) => dash.db.auditLog.findMany({ where: { orgId: acme.org.id, action }, select: { actorUserId: true, targetId: true, details: true } });

describe("projects", () => {
  it("creates a project in the organization, audited, and refuses a taken slug and bad fields", async () => {
    await dash.signInAs(acme.admin.id);
    const created = await createProjectAction(acme.org.slug, { name: "Billing", slug: "billing-acme" });
    expect(created).toEqual({ ok: true, data: { slug: "billing-acme" } });
    const project = await dash.db.project.findUniqueOrThrow({ where: { slug: "billing-acme" }, select: { id: true, orgId: true, name: true } });
    expect(project).toMatchObject({ orgId: acme.org.id, name: "Billing" });
    expect(await audit("project.create")).toEqual([{ actorUserId: acme.admin.id, targetId: project.id, details: { name: "Billing", slug: "billing-acme" } }]);
    expect(await createProjectAction(acme.org.slug, { name: "Again", slug: "billing-acme" })).toMatchObject({ ok: false });
    expect(await createProjectAction(acme.org.slug, { name: "", slug: "Not A Slug" })).toMatchObject({ ok: false, fieldErrors: { name: expect.any(String), slug: expect.any(String) } });
  });
});

describe("API keys", () => {
  it("creates a key shown once (only its hash stored) and revokes it", async () => {
    await dash.signInAs(acme.member.id);
    const created = await createKeyAction(acme.project.slug, { name: "CI", scopes: "contacts:read, invoices:write" });
    if (!created.ok || !created.data) throw new Error(JSON.stringify(created));
    const { id, key } = created.data;
    const row = await dash.db.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ projectId: acme.project.id, name: "CI", scopes: ["contacts:read", "invoices:write"], revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(key);
    expect(row.hash).toBe(sha256Hex(key));
    expect(await revokeKeyAction(acme.project.slug, { keyId: id })).toEqual({ ok: true, message: "CI revoked" });
    expect((await dash.db.apiKey.findUniqueOrThrow({ where: { id } })).revokedAt).toBeInstanceOf(Date);
    expect(await revokeKeyAction(acme.project.slug, { keyId: id })).toEqual({ ok: true, message: "CI was already revoked" });
    expect((await audit("api_key.revoke")).map((a) => a.targetId)).toEqual([id]);
  });

  it("puts a bad scope next to the field and stores nothing", async () => {
    await dash.signInAs(acme.member.id);
    const keys = await dash.db.apiKey.count();
    expect(await createKeyAction(acme.project.slug, { name: "Bad", scopes: "everything" })).toMatchObject({ ok: false, fieldErrors: { scopes: expect.stringContaining("Not a scope: everything") } });
    expect(await dash.db.apiKey.count()).toBe(keys);
  });

  it("grants platform scopes only up to the creator's role", async () => {
    await dash.signInAs(acme.member.id);
    const keys = await dash.db.apiKey.count();
    expect(await createKeyAction(acme.project.slug, { name: "Admin agent", scopes: "platform.tools:write, platform.projects:write" })).toEqual({ ok: false, error: "your role (member) cannot grant platform.projects:write" });
    expect(await dash.db.apiKey.count()).toBe(keys);
    const allowed = await createKeyAction(acme.project.slug, { name: "Tools agent", scopes: "platform.tools:write" });
    expect(allowed).toMatchObject({ ok: true });
    await dash.signInAs(acme.admin.id);
    expect(await createKeyAction(acme.project.slug, { name: "Admin agent", scopes: "platform.projects:write" })).toMatchObject({ ok: true });
  });
});

describe("tools", () => {
  it("creates, disables and deletes a tool", async () => {
    await dash.signInAs(acme.member.id);
    const definition = { name: "list_contacts", description: "Lists contacts", inputSchema: { type: "object" }, method: "GET", url: "https://crm.example.com/contacts" };
    expect(await createToolAction(acme.project.slug, { definition })).toEqual({ ok: true, data: { name: "list_contacts" }, message: "Tool list_contacts created" });
    const tool = await dash.db.tool.findFirstOrThrow({ where: { projectId: acme.project.id, name: "list_contacts" } });
    expect(tool).toMatchObject({ method: "GET", url: "https://crm.example.com/contacts", enabled: true });
    expect(await createToolAction(acme.project.slug, { definition })).toMatchObject({ ok: false, fieldErrors: { name: expect.any(String) } });
    expect(await setToolEnabledAction(acme.project.slug, { toolId: tool.id, enabled: false })).toMatchObject({ ok: true, data: { enabled: false } });
    expect((await dash.db.tool.findUniqueOrThrow({ where: { id: tool.id } })).enabled).toBe(false);
    expect(await deleteToolAction(acme.project.slug, { toolId: tool.id })).toEqual({ ok: true, message: "Tool list_contacts deleted" });
    expect(await dash.db.tool.findUnique({ where: { id: tool.id } })).toBeNull();
  });

  it("names the field of a bad definition", async () => {
    await dash.signInAs(acme.member.id);
    const result = await createToolAction(acme.project.slug, { definition: { name: "broken", description: "x", inputSchema: { type: "object" }, method: "FETCH", url: "not a url" } });
    expect(result.ok).toBe(false);
    expect(Object.keys((result as { fieldErrors?: Record<string, string> }).fieldErrors ?? {}).length).toBeGreaterThan(0);
  });
});

describe("approvals", () => {
  it("denies a pending call: the approval, its run and the audit log say who and why; a second decision is refused", async () => {
    await dash.signInAs(acme.member.id);
    const result = await decideApprovalAction(acme.project.slug, { approvalId: acme.approvalId, decision: "deny", reason: "wrong customer" });
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/^Denied: run run_\w+ will not be sent$/) });
    const approval = await dash.db.approval.findUniqueOrThrow({ where: { id: acme.approvalId } });
    expect(approval).toMatchObject({ status: "denied", reason: "wrong customer", decidedByUserId: acme.member.id, decidedByEmail: acme.member.email });
    expect((await dash.db.run.findUniqueOrThrow({ where: { id: approval.runId } })).status).toBe("denied");
    expect(await decideApprovalAction(acme.project.slug, { approvalId: acme.approvalId, decision: "approve" })).toMatchObject({ ok: false, error: expect.stringContaining("already denied") });
  });
});

describe("members", () => {
  it("adds a person with a one-time password, changes their role and removes them", async () => {
    await dash.signInAs(acme.admin.id);
    const added = await addMemberAction(acme.org.slug, { email: "Robin@Acme.test", role: "viewer", name: "Robin" });
    if (!added.ok || !added.data?.temporaryPassword) throw new Error(JSON.stringify(added));
    expect(added.data).toMatchObject({ email: "robin@acme.test", role: "viewer", userCreated: true });
    expect(await authenticateUser(dash.db, "robin@acme.test", added.data.temporaryPassword)).toMatchObject({ ok: true });
    const membership = await dash.db.membership.findFirstOrThrow({ where: { orgId: acme.org.id, user: { email: "robin@acme.test" } } });
    expect(await changeMemberRoleAction(acme.org.slug, { membershipId: membership.id, role: "member" })).toEqual({ ok: true, message: "robin@acme.test is now a member." });
    expect((await dash.db.membership.findUniqueOrThrow({ where: { id: membership.id } })).role).toBe("member");
    // an admin may not make owners
    expect(await changeMemberRoleAction(acme.org.slug, { membershipId: membership.id, role: "owner" })).toMatchObject({ ok: false });
    expect(await removeMemberAction(acme.org.slug, { membershipId: membership.id })).toEqual({ ok: true, message: "robin@acme.test was removed." });
    expect(await dash.db.membership.findUnique({ where: { id: membership.id } })).toBeNull();
    expect((await audit("member.add")).length + (await audit("member.role_change")).length + (await audit("member.remove")).length).toBe(3);
  });
});

describe("tool discovery settings", () => {
  it("an admin sets the mode, threshold and pinned tools: stored, applied from the next config version, audited", async () => {
    await dash.signInAs(acme.admin.id);
    const definition = { name: "get_status", description: "Gets the status", inputSchema: { type: "object" }, method: "GET", url: "https://status.example.com/" };
    expect(await createToolAction(acme.project.slug, { definition })).toMatchObject({ ok: true });
    const version = (await dash.db.project.findUniqueOrThrow({ where: { id: acme.project.id } })).configVersion;
    expect(await setToolDiscoveryAction(acme.project.slug, { toolDiscovery: "auto", toolDiscoveryThreshold: 40, pinnedTools: ["get_status"] })).toMatchObject({ ok: true, message: expect.stringMatching(/^Tool discovery saved/) });
    const project = await dash.db.project.findUniqueOrThrow({ where: { id: acme.project.id } });
    expect(project).toMatchObject({ toolDiscovery: "auto", toolDiscoveryThreshold: 40, pinnedTools: ["get_status"] });
    expect(project.configVersion).toBeGreaterThan(version);
    const entries = await audit("project.settings_update");
    expect(entries.at(-1)).toMatchObject({ actorUserId: acme.admin.id, targetId: acme.project.id, details: { changed: ["toolDiscovery", "toolDiscoveryThreshold", "pinnedTools"], after: { mode: "auto", threshold: 40, pinned: ["get_status"] } } });
    expect(await setToolDiscoveryAction(acme.project.slug, { toolDiscovery: "auto" })).toEqual({ ok: true, message: "Nothing changed." });
    expect(await audit("project.settings_update")).toHaveLength(entries.length);
  });

  it("refuses a mode that does not exist and a pinned tool the project lacks, changing nothing", async () => {
    await dash.signInAs(acme.admin.id);
    const unknownMode = await setToolDiscoveryAction(acme.project.slug, { toolDiscovery: "everything" } as never);
    expect(unknownMode.ok).toBe(false);
    expect(JSON.stringify(unknownMode)).toMatch(/tool discovery must be one of list, search, auto, families/);
    const unknownTool = await setToolDiscoveryAction(acme.project.slug, { toolDiscovery: "search", pinnedTools: ["no_such_tool"] });
    expect(unknownTool.ok).toBe(false);
    expect(JSON.stringify(unknownTool)).toMatch(/unknown tool to pin: no_such_tool/);
    expect(await dash.db.project.findUniqueOrThrow({ where: { id: acme.project.id } })).toMatchObject({ toolDiscovery: "auto", pinnedTools: ["get_status"] });
  });
});
