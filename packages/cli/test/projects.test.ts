import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, createCliWorld } from "./support/cli-world.ts";

let world: Awaited<ReturnType<typeof createCliWorld>>;
let cli: ReturnType<typeof cliRunner>;

beforeAll(async () => {
  world = await createCliWorld("cli_projects");
  cli = cliRunner(world.env);
}, 60_000);
afterAll(() => world?.database.drop());

describe("tengine projects", () => {
  it("lists and gets projects", { timeout: 300_000 }, async () => {
    const listed = await cli.json("projects", "list", "--org", "acme");
    expect(listed.map((p: { slug: string }) => p.slug)).toEqual(["acme-crm", "acme-other"]);
    const project = await cli.json("projects", "get", "acme-crm");
    expect(project).toMatchObject({ id: world.project.id, slug: "acme-crm", name: "Acme CRM", mcpUrl: "https://gw.example/p/acme-crm/mcp", tools: 1, apiKeys: 1, rateLimits: null, allowHttpUpstreams: false, requireMember: false });
    expect((await cli.fails("projects", "get", "no-such")).code).toBe(3);
  });

  it("updates settings as an admin, refusing a member, and audits before and after", { timeout: 300_000 }, async () => {
    const member = await cli.fails("projects", "update", "acme-crm", "--require-member", "--as", "member@acme.example");
    expect(member).toEqual({ code: 5, error: { error: "forbidden", message: "this needs the admin role; you are a member" } });
    const updated = await cli.json("projects", "update", "acme-crm", "--name", "Acme CRM (prod)", "--allowed-hosts", "crm.example, API.acme.example", "--require-member", "--as", "admin@acme.example");
    expect(updated).toEqual({
      slug: "acme-crm",
      changed: ["name", "allowedUpstreamHosts", "requireMember"],
      before: { name: "Acme CRM", allowedUpstreamHosts: [], requireMember: false },
      after: { name: "Acme CRM (prod)", allowedUpstreamHosts: ["crm.example", "api.acme.example"], requireMember: true },
    });
    const audit = await world.db.auditLog.findFirstOrThrow({ where: { action: "project.settings_update" } });
    expect(audit).toMatchObject({ actorEmail: "admin@acme.example", projectId: world.project.id });
    const bad = await cli.fails("projects", "update", "acme-crm", "--allowed-hosts", "https://crm.example/x");
    expect(bad.code).toBe(1);
    expect(bad.error.message).toContain("is a URL: enter the host name only");
  });

  it("deletes only after the slug is typed (or --yes)", { timeout: 300_000 }, async () => {
    const wrong = await cli.run(["projects", "delete", "acme-other"], "acme-crm\n");
    expect(wrong).toMatchObject({ code: 2, stderr: 'error: confirmation "acme-crm" is not "acme-other": nothing was deleted (or pass --yes)\n' });
    const empty = await cli.run(["projects", "delete", "acme-other"]);
    expect(empty.code).toBe(2);
    expect(await world.db.project.count({ where: { id: world.other.id } })).toBe(1);

    const typed = await cli.run(["--json", "projects", "delete", "acme-other"], "acme-other\n");
    expect(typed.code).toBe(0);
    expect(JSON.parse(typed.stdout)).toEqual({ id: world.other.id, slug: "acme-other", name: "Acme other", deleted: true });
    expect(await world.db.tool.count({ where: { projectId: world.other.id } })).toBe(0);

    const viewer = await cli.fails("projects", "delete", "acme-crm", "--yes", "--as", "viewer@acme.example");
    expect(viewer.code).toBe(5);
    expect(await cli.json("projects", "delete", "acme-crm", "--yes")).toMatchObject({ slug: "acme-crm", deleted: true });
    expect(await world.db.project.count()).toBe(0);
    const audit = await world.db.auditLog.findMany({ where: { action: "project.delete" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.projectId, a.actorEmail])).toEqual([
      [world.other.id, "tengine CLI"],
      [world.project.id, "tengine CLI"],
    ]);
  });
});
