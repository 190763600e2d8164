import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTool, SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/tengine.mjs", import.meta.url));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;
let masterKey: string;

async function tengine(...args: string[]) {
  const { stdout } = await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  return JSON.parse(stdout);
}

async function tengineFails(...args: string[]) {
  try {
    await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`expected tengine ${args.join(" ")} to fail`);
}

beforeAll(async () => {
  database = await createTestDatabase("cli_discovery");
  masterKey = SecretBox.generateKey();
  env = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: masterKey, PUBLIC_GATEWAY_URL: "https://gw.example" };
}, 60_000);
afterAll(() => database?.drop());

describe("tengine projects update --tool-discovery", () => {
  it("sets the mode, threshold and pinned tools; bad values are refused with the reason", { timeout: 300_000 }, async () => {
    const project = await tengine("projects", "create", "Big API");
    await createTool(database.db, new SecretBox(masterKey), project.id, { name: "get_thing", description: "Gets a thing", inputSchema: { type: "object" }, method: "GET", url: "https://api.example.com/thing" });

    const before = (await database.db.project.findUniqueOrThrow({ where: { id: project.id } })).configVersion;
    expect(await tengine("projects", "update", project.slug, "--tool-discovery", "auto", "--discovery-threshold", "100", "--pin", "get_thing")).toMatchObject({
      slug: project.slug,
      toolDiscovery: "auto",
      discoveryThreshold: 100,
      pinnedTools: ["get_thing"],
      changed: ["toolDiscovery", "toolDiscoveryThreshold", "pinnedTools"],
    });
    const row = await database.db.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row).toMatchObject({ toolDiscovery: "auto", toolDiscoveryThreshold: 100, pinnedTools: ["get_thing"] });
    expect(row.configVersion).toBe(before + 1);
    expect(await tengine("projects", "update", project.slug, "--tool-discovery", "families", "--pin", "")).toMatchObject({ toolDiscovery: "families", pinnedTools: [], changed: ["toolDiscovery", "pinnedTools"] });

    const badMode = await tengineFails("projects", "update", project.slug, "--tool-discovery", "everything");
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain("--tool-discovery must be one of list, search, auto, families");
    const badPin = await tengineFails("projects", "update", project.slug, "--pin", "nope");
    expect(badPin.code).toBe(1);
    expect(badPin.stderr).toContain("unknown tool to pin: nope");
    const unknown = await tengineFails("projects", "update", "no-such-project", "--tool-discovery", "search");
    expect(unknown.code).toBe(3);
  });
});
