import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, createCliWorld } from "./support/cli-world.ts";

let world: Awaited<ReturnType<typeof createCliWorld>>;
let cli: ReturnType<typeof cliRunner>;

beforeAll(async () => {
  world = await createCliWorld("cli_secrets");
  cli = cliRunner(world.env);
}, 60_000);
afterAll(() => world?.database.drop());

describe("tengine secrets", () => {
  it("lists names with the tools that use them, never values; deleting a used one is refused", { timeout: 300_000 }, async () => {
    expect(await cli.json("secrets", "set", "CRM_TOKEN", "--project", "acme-crm", "--value", "crm-token-value-1")).toEqual({ name: "CRM_TOKEN" });
    expect(await cli.json("secrets", "set", "SPARE_TOKEN", "--project", "acme-crm", "--value", "spare-token-value")).toEqual({ name: "SPARE_TOKEN" });
    const file = path.join(mkdtempSync(path.join(tmpdir(), "secrets-")), "tool.json");
    writeFileSync(file, JSON.stringify({ name: "crm_ping", description: "Pings the CRM", inputSchema: { type: "object" }, method: "GET", url: "https://crm.example.com/ping", headers: { "X-Crm-Token": "{{secrets.CRM_TOKEN}}" } }));
    await cli.json("tools", "create", "--project", "acme-crm", "--file", file, "--as", "admin@acme.example");

    const listed = await cli.json("secrets", "list", "--project", "acme-crm");
    expect(listed.map((s: { name: string; usedBy: string[] }) => [s.name, s.usedBy])).toEqual([
      ["CRM_TOKEN", ["crm_ping"]],
      ["SPARE_TOKEN", []],
    ]);
    expect(JSON.stringify(listed)).not.toContain("crm-token-value-1");
    // another project sees none of them
    expect(await cli.json("secrets", "list", "--project", "acme-other")).toEqual([]);

    const refused = await cli.fails("secrets", "delete", "CRM_TOKEN", "--project", "acme-crm");
    expect(refused).toEqual({ code: 4, error: { error: "conflict", message: "secret CRM_TOKEN is used by crm_ping: remove {{secrets.CRM_TOKEN}} from that tool first" } });
    expect(await cli.json("secrets", "delete", "SPARE_TOKEN", "--project", "acme-crm")).toEqual({ name: "SPARE_TOKEN", deleted: true });
    expect((await cli.fails("secrets", "delete", "SPARE_TOKEN", "--project", "acme-crm")).code).toBe(3);
    expect((await cli.json("secrets", "list", "--project", "acme-crm")).map((s: { name: string }) => s.name)).toEqual(["CRM_TOKEN"]);
    expect(await world.db.auditLog.count({ where: { action: "secret.delete", targetId: "SPARE_TOKEN" } })).toBe(1);
  });
});
