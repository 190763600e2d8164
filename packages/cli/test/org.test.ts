import { newId, readInvitation } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, createCliWorld } from "./support/cli-world.ts";

let world: Awaited<ReturnType<typeof createCliWorld>>;
let cli: ReturnType<typeof cliRunner>;

beforeAll(async () => {
  world = await createCliWorld("cli_org");
  cli = cliRunner(world.env);
}, 60_000);
afterAll(() => world?.database.drop());

describe("tengine members", () => {
  it("lists, adds, changes the role of and removes members with the dashboard's rules", { timeout: 300_000 }, async () => {
    const members = await cli.json("members", "list", "--org", "acme");
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ["owner@acme.example", "owner"],
      ["admin@acme.example", "admin"],
      ["member@acme.example", "member"],
      ["viewer@acme.example", "viewer"],
    ]);
    // Two organizations: the CLI does not guess which one.
    expect(await cli.run(["members", "list"])).toMatchObject({ code: 2, stderr: "error: there are several organizations: give --org <slug>\n" });

    const added = await cli.json("members", "add", "dana@acme.example", "--org", "acme", "--role", "viewer", "--as", "admin@acme.example");
    expect(added).toMatchObject({ email: "dana@acme.example", role: "viewer", userCreated: true });
    expect(added.temporaryPassword).toEqual(expect.any(String));
    const adminAddsOwner = await cli.fails("members", "add", "erin@acme.example", "--org", "acme", "--role", "owner", "--as", "admin@acme.example");
    expect(adminAddsOwner.code).toBe(5);
    const memberAdds = await cli.fails("members", "add", "erin@acme.example", "--org", "acme", "--as", "member@acme.example");
    expect(memberAdds).toEqual({ code: 5, error: { error: "forbidden", message: "this needs the admin role; you are a member" } });

    expect(await cli.json("members", "role", "dana@acme.example", "member", "--org", "acme")).toMatchObject({ member: { email: "dana@acme.example", role: "member" }, previousRole: "viewer" });
    expect((await cli.fails("members", "role", "owner@acme.example", "viewer", "--org", "acme")).code).toBe(4);
    expect((await cli.fails("members", "remove", "outsider@acme.example", "--org", "acme")).code).toBe(3);
    expect(await cli.json("members", "remove", "dana@acme.example", "--org", "acme")).toMatchObject({ removed: { email: "dana@acme.example" } });

    const audit = await world.db.auditLog.findMany({ where: { action: { startsWith: "member." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorEmail])).toEqual([
      ["member.add", "admin@acme.example"],
      ["member.role_change", "tengine CLI"],
      ["member.remove", "tengine CLI"],
    ]);
  });

  it("creates an invitation link that the dashboard accepts once", { timeout: 300_000 }, async () => {
    const invited = await cli.json("members", "invite", "grace@acme.example", "--org", "acme", "--role", "viewer", "--as", "admin@acme.example");
    expect(invited).toMatchObject({ email: "grace@acme.example", role: "viewer", link: expect.stringMatching(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9]{16,64}$/) });
    const token = String(invited.link).split("/").pop()!;
    expect(await readInvitation(world.db, token)).toMatchObject({ state: "open", email: "grace@acme.example", role: "viewer" });
    expect((await cli.fails("members", "invite", "erin@acme.example", "--org", "acme", "--role", "owner", "--as", "admin@acme.example")).code).toBe(5);
    expect(await world.db.auditLog.count({ where: { action: "invitation.create" } })).toBe(1);
  });
});

describe("tengine audit list and usage", () => {
  it("filters the audit log by project, action, actor and time, and refuses a member", { timeout: 300_000 }, async () => {
    const entry = (action: string, actorEmail: string, projectId: string | null, createdAt: Date) =>
      world.db.auditLog.create({ data: { id: newId("audit", createdAt.getTime()), orgId: world.org.id, projectId, actorEmail, action, createdAt } });
    const old = new Date("2026-01-01T00:00:00Z");
    await entry("tool.create", "admin@acme.example", world.project.id, old);
    await entry("tool.update", "owner@acme.example", world.other.id, new Date());
    await entry("api_key.create", "admin@acme.example", world.project.id, new Date());
    await world.db.auditLog.create({ data: { id: newId("audit"), orgId: world.globex.id, actorEmail: "outsider@acme.example", action: "tool.create" } });

    const tools = await cli.json("audit", "list", "--org", "acme", "--action", "tool.*");
    expect(tools.entries.map((e: { action: string }) => e.action)).toEqual(["tool.update", "tool.create"]);
    const filtered = await cli.json("audit", "list", "--org", "acme", "--project", "acme-crm", "--actor", "admin@acme.example", "--since", "2026-06-01T00:00:00Z");
    expect(filtered.entries.map((e: { action: string }) => e.action)).toEqual(["api_key.create"]);
    const page = await cli.json("audit", "list", "--org", "acme", "--limit", "1");
    expect(page.entries).toHaveLength(1);
    expect(page.nextCursor).toBe(page.entries[0].id);

    expect((await cli.fails("audit", "list", "--org", "acme", "--as", "member@acme.example")).code).toBe(5);
    expect((await cli.fails("audit", "list", "--org", "acme", "--project", "no-such")).code).toBe(3);
    expect((await cli.run(["audit", "list", "--org", "acme", "--since", "yesterday"])).code).toBe(2);
  });

  it("reports a project's usage over 24h and 7d (the runs of the acme-other project)", { timeout: 300_000 }, async () => {
    for (const [status, gatewayMs] of [["succeeded", 3], ["succeeded", 5], ["failed", 7]] as const) {
      await world.db.run.create({ data: { id: newId("run"), projectId: world.other.id, toolId: world.otherTool.id, toolName: "get_contact", status, principalKind: "api_key", gatewayMs, upstreamMs: 10 } });
    }
    const day = await cli.json("usage", "--project", "acme-other", "--since", "24h");
    expect(day).toMatchObject({ range: "24h", stepMs: 600_000, totals: { calls: 3, errors: 1 } });
    expect(day.buckets).toHaveLength(144);
    expect(day.topTools).toEqual([expect.objectContaining({ toolName: "get_contact", calls: 3, errors: 1 })]);
    const week = await cli.run(["usage", "--project", "acme-other", "--since", "7d"]);
    expect(week.code).toBe(0);
    expect(week.stdout).toContain("calls: 3");
    expect(week.stdout).toContain("get_contact");
    expect((await cli.run(["usage", "--project", "acme-crm", "--since", "1y"])).code).toBe(2);
  });
});
