import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, createCliWorld } from "./support/cli-world.ts";

let world: Awaited<ReturnType<typeof createCliWorld>>;
let cli: ReturnType<typeof cliRunner>;

beforeAll(async () => {
  world = await createCliWorld("cli_tools");
  cli = cliRunner(world.env);
}, 60_000);
afterAll(() => world?.database.drop());

async function toolFile(definition: Record<string, unknown>) {
  const file = path.join(os.tmpdir(), `cli-tool-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(definition));
  return file;
}

describe("tengine tools", () => {
  it("gets a tool with its secret write-only, and never another project's", { timeout: 300_000 }, async () => {
    const tool = await cli.json("tools", "get", "--project", "acme-crm", "get_contact");
    expect(tool).toMatchObject({ id: world.tool.id, name: "get_contact", url: "https://crm.example/contacts/{{input.id}}", auth: { type: "bearer", secretSet: true }, requiredScopes: ["contacts:read"] });
    expect(JSON.stringify(tool)).not.toContain("sk_live_world_secret");
    // Each project sees its own tool of that name.
    expect((await cli.json("tools", "get", "--project", "acme-other", "get_contact")).id).toBe(world.otherTool.id);
    const missing = await cli.fails("tools", "get", "--project", "acme-crm", "no_such_tool");
    expect(missing).toEqual({ code: 3, error: { error: "not_found", message: 'tool "no_such_tool" not found in project "acme-crm"' } });
  });

  it("updates single fields, keeps the stored secret, audits the change under --as", { timeout: 300_000 }, async () => {
    const updated = await cli.json("tools", "update", "--project", "acme-crm", "get_contact", "--timeout-ms", "5000", "--requires-approval", "--scopes", "contacts:read,contacts:write", "--as", "member@acme.example");
    expect(updated.changed.sort()).toEqual(["requiredScopes", "requiresApproval", "timeoutMs"]);
    expect(updated.tool).toMatchObject({ timeoutMs: 5000, requiresApproval: true, requiredScopes: ["contacts:read", "contacts:write"], auth: { type: "bearer", secretSet: true } });
    const row = await world.db.tool.findUniqueOrThrow({ where: { id: world.tool.id } });
    expect(row.authSecretEnc).toBeTruthy();
    const audit = await world.db.auditLog.findFirstOrThrow({ where: { action: "tool.update", targetId: world.tool.id } });
    expect(audit).toMatchObject({ actorUserId: world.people.member.id, actorEmail: "member@acme.example", projectId: world.project.id });
    expect(audit.details).toMatchObject({ name: "get_contact" });
    // The other project's tool of the same name is untouched.
    expect((await world.db.tool.findUniqueOrThrow({ where: { id: world.otherTool.id } })).timeoutMs).toBe(10_000);

    const nothing = await cli.run(["tools", "update", "--project", "acme-crm", "get_contact"]);
    expect(nothing).toMatchObject({ code: 2, stderr: "error: nothing to change: give --file or a field (--url, --scopes, --requires-approval, --timeout-ms, …)\n" });
    const badTimeout = await cli.run(["tools", "update", "--project", "acme-crm", "get_contact", "--timeout-ms", "10"]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain("--timeout-ms must be a whole number between 100 and 120000");
  });

  it("diffs the stored tool against a file without showing secrets, and updates from the file", { timeout: 300_000 }, async () => {
    const file = await toolFile({ ...world.toolDefinition, url: "https://crm.example/v2/contacts/{{input.id}}", auth: { type: "bearer", token: "sk_live_new_token" } });
    const diff = await cli.json("tools", "diff", "--project", "acme-crm", "get_contact", "--file", file);
    expect(diff.identical).toBe(false);
    expect(diff.fields.map((f: { field: string }) => f.field).sort()).toEqual(["auth.secret", "requiredScopes", "requiresApproval", "timeoutMs", "url"]);
    expect(diff.fields.find((f: { field: string }) => f.field === "url")).toEqual({ field: "url", stored: "https://crm.example/contacts/{{input.id}}", file: "https://crm.example/v2/contacts/{{input.id}}" });
    expect(JSON.stringify(diff)).not.toContain("sk_live_new_token");
    const human = await cli.run(["tools", "diff", "--project", "acme-crm", "get_contact", "--file", file]);
    expect(human.stdout).toContain("url:\n  - stored: https://crm.example/contacts/{{input.id}}\n  + file:   https://crm.example/v2/contacts/{{input.id}}");

    const updated = await cli.json("tools", "update", "--project", "acme-crm", "get_contact", "--file", file);
    expect(updated.changed.sort()).toEqual(["auth.secret", "requiredScopes", "requiresApproval", "timeoutMs", "url"]);
    // The same definition, with the secret now stored: identical (the secret is compared, never shown).
    const same = await toolFile({ ...world.toolDefinition, url: "https://crm.example/v2/contacts/{{input.id}}", auth: { type: "bearer", token: "sk_live_new_token" } });
    expect(await cli.json("tools", "diff", "--project", "acme-crm", "get_contact", "--file", same)).toEqual({ name: "get_contact", identical: true, fields: [] });

    const invalid = await toolFile({ ...world.toolDefinition, timeoutMS: 5 });
    const refused = await cli.fails("tools", "update", "--project", "acme-crm", "get_contact", "--file", invalid);
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ error: "bad_request" });
    expect(refused.error.message).toContain("timeoutMS");
  });

  it("disables, enables and deletes, refusing a viewer and another project's tool", { timeout: 300_000 }, async () => {
    const viewer = await cli.fails("tools", "disable", "--project", "acme-crm", "get_contact", "--as", "viewer@acme.example");
    expect(viewer).toEqual({ code: 5, error: { error: "forbidden", message: "this needs the member role; you are a viewer" } });
    const outsider = await cli.fails("tools", "delete", "--project", "acme-crm", "get_contact", "--as", "outsider@acme.example");
    expect(outsider).toEqual({ code: 5, error: { error: "forbidden", message: 'outsider@acme.example is not a member of the organization that owns project "acme-crm"' } });
    expect((await world.db.tool.findUniqueOrThrow({ where: { id: world.tool.id } })).enabled).toBe(true);

    expect(await cli.json("tools", "disable", "--project", "acme-crm", "get_contact")).toEqual({ name: "get_contact", enabled: false });
    expect((await world.db.tool.findUniqueOrThrow({ where: { id: world.otherTool.id } })).enabled).toBe(true);
    expect(await cli.json("tools", "enable", "--project", "acme-crm", "get_contact", "--as", "admin@acme.example")).toEqual({ name: "get_contact", enabled: true });

    expect(await cli.json("tools", "delete", "--project", "acme-other", "get_contact")).toEqual({ id: world.otherTool.id, name: "get_contact", deleted: true });
    expect(await world.db.tool.findUnique({ where: { id: world.tool.id } })).not.toBeNull();
    const gone = await cli.fails("tools", "enable", "--project", "acme-other", "get_contact");
    expect(gone.code).toBe(3);

    const actions = (await world.db.auditLog.findMany({ where: { targetType: "tool" }, orderBy: { id: "asc" } })).map((a) => [a.action, a.actorEmail]);
    expect(actions).toEqual([
      ["tool.update", "member@acme.example"],
      ["tool.update", "tengine CLI"],
      ["tool.disable", "tengine CLI"],
      ["tool.enable", "admin@acme.example"],
      ["tool.delete", "tengine CLI"],
    ]);
  });
});
