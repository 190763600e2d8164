import { generateKeyPairSync } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { newId, type Role, ROLES, roleAtLeast } from "@tengine/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardUnderTest } from "./support/dashboard-under-test.ts";
import { requestCookies } from "./support/next-runtime/headers.ts";
import { createTenant, type Tenant } from "./support/tenant-world.ts";

/*
 * One security suite for every dashboard server action, against the real database: each
 * action is called with no session, a forged session, the session of a user that does not
 * exist, as another organization's owner (on the other tenant's project, and with the other
 * tenant's record ids through their own project), as a role too low, and as a person whose
 * membership was removed. Every one of those must be refused and leave every table exactly
 * as it was; the same call by the tenant's owner must then succeed (so the refusals are the
 * access checks, not bad input). The suite reads the actions folder: an exported action with
 * no row here fails it.
 */

const actionsDir = fileURLToPath(new URL("../src/server/actions/", import.meta.url));
const dash = await dashboardUnderTest("actions_security");
const masterKey = process.env.TENGINE_MASTER_KEY!;

type Outcome = { ok: boolean; error?: string };
/** Where a call is aimed: the project and organization in the call, and whose record ids it names. */
type Target = { projectSlug: string; orgSlug: string; records: Tenant };
type Row = {
  /** the lowest role allowed to make this call on someone else's records */
  minimum: Role;
  /** the call names a record by id (so another tenant's id can be tried through one's own project) */
  namesRecords: boolean;
  call: (target: Target) => Promise<Outcome>;
};
type Actions = Record<string, Record<string, (...args: never[]) => Promise<unknown>>>;

const actions: Actions = {};
for (const file of (await readdir(actionsDir)).filter((f) => f.endsWith(".ts"))) {
  actions[path.basename(file, ".ts")] = await import(path.join(actionsDir, file));
}
// The action modules are typed per file; the table calls them by module and export name.
const act = (module: string, name: string) => actions[module]![name] as unknown as (...args: unknown[]) => Promise<Outcome>;

const jwk = JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }));
const openApiDocument = JSON.stringify({
  openapi: "3.0.3",
  info: { title: "Pets", version: "1" },
  servers: [{ url: "https://pets.example.com" }],
  paths: { "/pets": { get: { operationId: "list_pets", summary: "List pets", responses: { "200": { description: "ok" } } } } },
});
const noLimit = { max: "", windowSec: "" };

/** Every server action, by module and export name. */
const TABLE: Record<string, Row | { public: string }> = {
  "approvals.decideApprovalAction": { minimum: "member", namesRecords: true, call: (t) => act("approvals", "decideApprovalAction")(t.projectSlug, { approvalId: t.records.approvalId, decision: "deny", reason: "not now" }) },
  "approvals.setApprovalWebhookAction": { minimum: "admin", namesRecords: false, call: (t) => act("approvals", "setApprovalWebhookAction")(t.projectSlug, { url: "https://hooks.example.com/services/T0/B0/token" }) },
  "approvals.setApprovalPolicyAction": { minimum: "admin", namesRecords: false, call: (t) => act("approvals", "setApprovalPolicyAction")(t.projectSlug, { policy: "non_read_only" }) },
  "keys.createKeyAction": { minimum: "member", namesRecords: false, call: (t) => act("keys", "createKeyAction")(t.projectSlug, { name: "ci", scopes: "" }) },
  "keys.revokeKeyAction": { minimum: "member", namesRecords: true, call: (t) => act("keys", "revokeKeyAction")(t.projectSlug, { keyId: t.records.keyId }) },
  "projects.deleteProjectAction": { minimum: "admin", namesRecords: false, call: (t) => act("projects", "deleteProjectAction")(t.projectSlug, { confirm: t.projectSlug }) },
  "secrets.setSecretAction": { minimum: "admin", namesRecords: false, call: (t) => act("secrets", "setSecretAction")(t.projectSlug, { name: "NEW_TOKEN", value: "new-token-value" }) },
  "secrets.deleteSecretAction": { minimum: "admin", namesRecords: false, call: (t) => act("secrets", "deleteSecretAction")(t.projectSlug, { name: t.records.templateSecretName }) },
  "limits.setRateLimitsAction": { minimum: "admin", namesRecords: false, call: (t) => act("limits", "setRateLimitsAction")(t.projectSlug, { project: { max: "100", windowSec: "60" }, principal: noLimit, tool: noLimit, failOpen: false }) },
  "limits.setRunRetentionAction": { minimum: "admin", namesRecords: false, call: (t) => act("limits", "setRunRetentionAction")(t.projectSlug, { days: "7" }) },
  "mcp-servers.addMcpServerAction": { minimum: "admin", namesRecords: false, call: (t) => act("mcp-servers", "addMcpServerAction")(t.projectSlug, { name: "linear", transport: "http", url: "https://mcp.example.invalid/mcp", headers: "", credentials: "token=secret-value-123" }) },
  "mcp-servers.refreshMcpServerAction": { minimum: "admin", namesRecords: true, call: (t) => act("mcp-servers", "refreshMcpServerAction")(t.projectSlug, { name: t.records.mcpServerName }) },
  "mcp-servers.setMcpToolSettingAction": { minimum: "admin", namesRecords: true, call: (t) => act("mcp-servers", "setMcpToolSettingAction")(t.projectSlug, { server: t.records.mcpServerName, tool: "search", enabled: false, name: "", scopes: "", readOnly: true, requiresApproval: false }) },
  "mcp-servers.setKeyToolsetsAction": { minimum: "admin", namesRecords: true, call: (t) => act("mcp-servers", "setKeyToolsetsAction")(t.projectSlug, { keyId: t.records.keyId, toolsets: "linear, github" }) },
  "mcp-servers.removeMcpServerAction": { minimum: "admin", namesRecords: true, call: (t) => act("mcp-servers", "removeMcpServerAction")(t.projectSlug, { name: t.records.mcpServerName }) },
  "members.createInvitationAction": { minimum: "admin", namesRecords: false, call: (t) => act("members", "createInvitationAction")(t.orgSlug, { email: `invite-${t.records.org.id}@example.com`, role: "member" }) },
  "members.revokeInvitationAction": { minimum: "admin", namesRecords: true, call: (t) => act("members", "revokeInvitationAction")(t.orgSlug, { invitationId: t.records.invitationId }) },
  "members.addMemberAction": { minimum: "admin", namesRecords: false, call: (t) => act("members", "addMemberAction")(t.orgSlug, { email: `new-${t.records.org.id}@example.com`, role: "member", name: "" }) },
  "members.changeMemberRoleAction": { minimum: "admin", namesRecords: true, call: (t) => act("members", "changeMemberRoleAction")(t.orgSlug, { membershipId: t.records.viewer.membershipId, role: "member" }) },
  "members.removeMemberAction": { minimum: "admin", namesRecords: true, call: (t) => act("members", "removeMemberAction")(t.orgSlug, { membershipId: t.records.member.membershipId }) },
  // Anyone in the project may revoke their own connection; someone else's needs admin.
  "oauth-connections.revokeProjectConnectionAction": { minimum: "admin", namesRecords: true, call: (t) => act("oauth-connections", "revokeProjectConnectionAction")(t.projectSlug, { connectionId: t.records.connectionId }) },
  // Only one's own connection (the owner's, here), whatever the role: anyone else gets "not found".
  "oauth-connections.revokeMyConnectionAction": { minimum: "owner", namesRecords: true, call: (t) => act("oauth-connections", "revokeMyConnectionAction")({ connectionId: t.records.connectionId }) },
  "oauth-policy.setOAuthPolicyAction": { minimum: "admin", namesRecords: false, call: (t) => act("oauth-policy", "setOAuthPolicyAction")(t.projectSlug, { mcpEnabled: false }) },
  "openapi.planImportAction": { minimum: "member", namesRecords: false, call: (t) => act("openapi", "planImportAction")(t.projectSlug, { sourceKind: "paste", text: openApiDocument }) },
  "openapi.applyImportAction": { minimum: "member", namesRecords: false, call: (t) => applyImport(t.projectSlug) },
  "projects.createProjectAction": { minimum: "admin", namesRecords: false, call: (t) => act("projects", "createProjectAction")(t.orgSlug, { name: "Another project", slug: "" }) },
  "settings.updateProjectSettingsAction": { minimum: "admin", namesRecords: false, call: (t) => act("settings", "updateProjectSettingsAction")(t.projectSlug, { name: "Renamed" }) },
  "settings.createSigningSecretAction": { minimum: "admin", namesRecords: false, call: (t) => act("settings", "createSigningSecretAction")(t.projectSlug, {}) },
  "settings.retireSigningSecretAction": { minimum: "admin", namesRecords: true, call: (t) => act("settings", "retireSigningSecretAction")(t.projectSlug, { keyid: t.records.signingKeyId }) },
  "settings.generateMemberAssertionSecretAction": { minimum: "admin", namesRecords: false, call: (t) => act("settings", "generateMemberAssertionSecretAction")(t.projectSlug, {}) },
  "settings.setMemberAssertionJwkAction": { minimum: "admin", namesRecords: false, call: (t) => act("settings", "setMemberAssertionJwkAction")(t.projectSlug, { jwk }) },
  "settings.clearMemberAssertionAction": { minimum: "admin", namesRecords: false, call: (t) => act("settings", "clearMemberAssertionAction")(t.projectSlug, {}) },
  "settings.setToolDiscoveryAction": { minimum: "admin", namesRecords: false, call: (t) => act("settings", "setToolDiscoveryAction")(t.projectSlug, { toolDiscovery: "search" }) },
  "account.changePasswordAction": { public: "acts on the signed-in person's own account only (no organization, no records named); core change-password.test.ts checks the current password is required" },
  "two-factor.startTotpAction": { public: "acts on the signed-in person's own account only (no organization, no records named); core two-factor.test.ts checks enrolment is refused while it is on" },
  "two-factor.confirmTotpAction": { public: "acts on the signed-in person's own account only; core two-factor.test.ts checks a code from the new secret is required" },
  "two-factor.disableTotpAction": { public: "acts on the signed-in person's own account only; core two-factor.test.ts checks a current code or recovery code is required" },
  "invitations.acceptInvitationAction": { public: "the link's token is the credential (single use, 7 days); core invitations.test.ts checks an existing account must be signed in as the invited email" },
  "sign-up.signUpAction": { public: "creates an account for whoever calls it; server-actions.test.ts checks it answers an existing email like a new one and changes nothing" },
  // Switching only sets a cookie, and only to an organization one belongs to (any role).
  "switch-org.switchOrgAction": { minimum: "viewer", namesRecords: false, call: (t) => switchOrg(t.orgSlug) },
  "tools.createToolAction": { minimum: "member", namesRecords: false, call: (t) => act("tools", "createToolAction")(t.projectSlug, { definition: { name: "new_tool", description: "A new tool", inputSchema: { type: "object" }, method: "GET", url: "https://api.example.com/new" } }) },
  "tools.updateToolAction": { minimum: "member", namesRecords: true, call: (t) => act("tools", "updateToolAction")(t.projectSlug, { toolId: t.records.tool.id, definition: { name: "send_invoice", description: "Changed", inputSchema: { type: "object" }, method: "POST", url: "http://127.0.0.1:9/invoices" } }) },
  "tools.setToolEnabledAction": { minimum: "member", namesRecords: true, call: (t) => act("tools", "setToolEnabledAction")(t.projectSlug, { toolId: t.records.tool.id, enabled: false }) },
  "tools.deleteToolAction": { minimum: "member", namesRecords: true, call: (t) => act("tools", "deleteToolAction")(t.projectSlug, { toolId: t.records.tool.id }) },
  "tools.tryToolAction": { minimum: "member", namesRecords: false, call: (t) => act("tools", "tryToolAction")(t.projectSlug, { toolName: t.records.tool.name, args: {} }) },
};

/** Apply re-plans on the server; the owner's call applies what their own preview showed. */
async function applyImport(projectSlug: string): Promise<Outcome> {
  const source = { sourceKind: "paste", text: openApiDocument };
  const preview = (await act("openapi", "planImportAction")(projectSlug, source)) as Outcome & { data?: { fingerprint: string } };
  return act("openapi", "applyImportAction")(projectSlug, { source, fingerprint: preview.data?.fingerprint ?? "0".repeat(64) });
}

/** switchOrgAction answers nothing: refused means no redirect-free switch to that organization. */
async function switchOrg(orgSlug: string): Promise<Outcome> {
  try {
    await act("switch-org", "switchOrgAction")(orgSlug);
  } catch (error) {
    // requireUser's redirect to /login
    if (error && typeof error === "object" && "digest" in error && String(error.digest).includes("/login")) return { ok: false, error: "Your session has ended. Sign in again." };
    throw error;
  }
  return requestCookies.get("tengine_org") === orgSlug ? { ok: true } : { ok: false, error: `organization "${orgSlug}" not found` };
}

/** Every row of every table of this test's schema, to show a refused call wrote nothing. */
async function everyRow(): Promise<string> {
  const client = new pg.Client({ connectionString: dash.target.url });
  await client.connect();
  try {
    const schema = dash.target.schema!;
    const { rows: tables } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", [schema]);
    const dump: Record<string, unknown> = {};
    for (const { table_name } of tables) {
      const { rows } = await client.query(`SELECT coalesce(json_agg(t ORDER BY t::text), '[]') AS rows FROM "${schema}"."${table_name}" t`);
      dump[table_name] = rows[0].rows;
    }
    return JSON.stringify(dump);
  } finally {
    await client.end();
  }
}

afterAll(() => dash.drop());

it("has a row for every exported server action, and no row for an action that does not exist", () => {
  const exported = Object.entries(actions).flatMap(([module, exports]) => Object.entries(exports).filter(([, value]) => typeof value === "function").map(([name]) => `${module}.${name}`));
  expect(exported.length).toBeGreaterThan(20);
  expect(exported.filter((name) => !(name in TABLE)), "server actions without a row in the security suite").toEqual([]);
  expect(Object.keys(TABLE).filter((name) => !exported.includes(name)), "rows for actions that no longer exist").toEqual([]);
});

const SESSION_ENDED = /session has ended/;
const NOT_FOUND = /not found|does not exist/;
const TOO_LOW = /needs the \w+ role|not found|does not exist/;

for (const [name, entry] of Object.entries(TABLE)) {
  if ("public" in entry) continue;
  const row: Row = entry;
  describe(name, () => {
    let a: Tenant;
    let b: Tenant;
    const own = (): Target => ({ projectSlug: a.project.slug, orgSlug: a.org.slug, records: a });

    beforeAll(async () => {
      a = await createTenant(dash.db, masterKey, "Acme");
      b = await createTenant(dash.db, masterKey, "Globex");
    });

    async function expectRefused(target: Target, message: RegExp) {
      const before = await everyRow();
      const outcome = await row.call(target);
      expect(outcome.ok, JSON.stringify(outcome)).toBe(false);
      expect(outcome.error).toMatch(message);
      expect(await everyRow()).toBe(before);
    }

    it("refuses a call without a session", async () => {
      dash.signOut();
      await expectRefused(own(), SESSION_ENDED);
    });

    it("refuses a session cookie signed with another secret", async () => {
      await dash.signInAs(a.owner.id, "a-secret-that-is-not-this-dashboards-0123456789");
      await expectRefused(own(), SESSION_ENDED);
    });

    it("refuses a valid session of a user that no longer exists", async () => {
      await dash.signInAs(newId("user"));
      await expectRefused(own(), SESSION_ENDED);
    });

    it("refuses another organization's owner, as not found", async () => {
      await dash.signInAs(b.owner.id);
      await expectRefused(own(), NOT_FOUND);
    });

    if (row.namesRecords) {
      it("refuses another tenant's record named through one's own project, as not found", async () => {
        await dash.signInAs(b.owner.id);
        await expectRefused({ projectSlug: b.project.slug, orgSlug: b.org.slug, records: a }, NOT_FOUND);
      });
    }

    for (const role of ROLES.filter((r) => !roleAtLeast(r, row.minimum))) {
      it(`refuses ${role === "admin" ? "an" : "a"} ${role}`, async () => {
        await dash.signInAs(a[role].id);
        await expectRefused(own(), TOO_LOW);
      });
    }

    it("refuses a person whose membership was removed, as not found", async () => {
      await dash.signInAs(a.removed.id);
      await expectRefused(own(), NOT_FOUND);
    });

    it("lets the organization's owner make the same call", async () => {
      await dash.signInAs(a.owner.id);
      const outcome = await row.call(own());
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    });
  });
}
