import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createOrganization, createProject, createTool, newId, SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/tengine.mjs", import.meta.url));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;
const TOOLS = 1000;

/** Runs the real binary; resolves with what a user sees: exit code, stdout, stderr. */
async function tengine(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * A reader that waits a second before reading, then takes small bites with pauses: the pipe
 * fills, so most of the output is still queued inside the CLI when the command is done.
 */
const SLOW_READER = `
const chunks = [];
process.stdin.pause();
setTimeout(() => {
  process.stdin.on("data", (chunk) => {
    chunks.push(chunk);
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), 20);
  });
  process.stdin.on("end", () => process.stdout.write(Buffer.concat(chunks)));
  process.stdin.resume();
}, 1000);
`;

beforeAll(async () => {
  database = await createTestDatabase("cli_output");
  const masterKey = SecretBox.generateKey();
  env = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: masterKey, PUBLIC_GATEWAY_URL: "https://gw.example" };
  const org = await createOrganization(database.db, { name: "Output" });
  const big = await createProject(database.db, { orgId: org.id, name: "Big", slug: "big" });
  const box = new SecretBox(masterKey);
  for (let start = 0; start < TOOLS; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createTool(database.db, box, big.id, {
          name: `tool_${String(start + i).padStart(4, "0")}`,
          description: `Tool number ${start + i}, with a description long enough to make the listing large.`,
          inputSchema: { type: "object", properties: { id: { type: "string", description: "the record id" } }, required: ["id"] },
          method: "GET",
          url: `https://api.example.com/v1/records/${start + i}/{{input.id}}`,
        }),
      ),
    );
  }
  const runs = await createProject(database.db, { orgId: org.id, name: "Runs", slug: "runs" });
  // Three recorded runs, oldest first (ids are time-sortable); the newest failed.
  for (const [status, error] of [["succeeded", null], ["succeeded", null], ["failed", "Upstream answered 503 Service Unavailable after 3 attempts"]] as const) {
    await database.db.run.create({ data: { id: newId("run"), projectId: runs.id, toolName: "create_contact", status, principalKind: "api_key", httpStatus: error ? 503 : 200, attempts: error ? 3 : 1, error } });
    await new Promise((r) => setTimeout(r, 5));
  }
}, 300_000);
afterAll(() => database?.drop());

describe("tengine output", () => {
  it(`prints all ${TOOLS} tools as complete JSON into a slow pipe`, { timeout: 120_000 }, async () => {
    const child = spawn("sh", ["-c", `"${process.execPath}" "${bin}" --json tools list --project big | "${process.execPath}" -e '${SLOW_READER}'`], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(256 * 1024);
    const tools = JSON.parse(stdout) as Array<{ name: string }>;
    expect(tools).toHaveLength(TOOLS);
    expect(tools[0]!.name).toBe("tool_0000");
    expect(tools.at(-1)!.name).toBe("tool_0999");
  });

  it("runs list shows the command for the next page, and runs show prints the run's error", { timeout: 60_000 }, async () => {
    const page = await tengine("runs", "list", "--project", "runs", "--limit", "2");
    expect(page.code).toBe(0);
    const listed = JSON.parse((await tengine("--json", "runs", "list", "--project", "runs", "--limit", "2")).stdout);
    expect(listed.runs).toHaveLength(2);
    expect(listed.nextCursor).toBe(listed.runs[1].id);
    expect(page.stdout).toContain(`more runs: npx tengine runs list --project runs --limit 2 --cursor ${listed.nextCursor}`);
    expect(page.stdout).toContain("1 run(s) with an error: see npx tengine runs get --project runs <id>");

    const last = await tengine("runs", "list", "--project", "runs", "--limit", "2", "--cursor", listed.nextCursor);
    expect(last.stdout).not.toContain("more runs");

    const failed = listed.runs[0];
    const shown = await tengine("runs", "show", "--project", "runs", failed.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("status: failed");
    expect(shown.stdout).toContain("error: Upstream answered 503 Service Unavailable after 3 attempts");
    expect(shown.stdout).toContain("attempts: 3");
    const shownJson = JSON.parse((await tengine("--json", "runs", "show", "--project", "runs", failed.id)).stdout);
    expect(shownJson.run).toMatchObject({ id: failed.id, status: "failed", error: "Upstream answered 503 Service Unavailable after 3 attempts" });

    const other = await tengine("runs", "show", "--project", "big", failed.id);
    expect(other).toMatchObject({ code: 3, stderr: `error: run "${failed.id}" not found in project "big"\n` });
  });

  it("answers bad options with one sentence and exit code 2", { timeout: 120_000 }, async () => {
    const cases: Array<[string[], string]> = [
      [["runs", "list", "--project", "runs", "--limit", "abc"], 'error: --limit must be a whole number between 1 and 200 (got "abc")\n'],
      [["runs", "list", "--project", "runs", "--limit", "500"], 'error: --limit must be a whole number between 1 and 200 (got "500")\n'],
      [["runs", "list", "--project", "runs", "--status", "broken"], 'error: --status must be one of running, succeeded, failed, denied, deduplicated, rate_limited, pending (got "broken")\n'],
      [["keys", "list"], "error: required option '--project <slug>' not specified\n"],
      [["keys", "create", "--project", "runs", "--expires-at", "next week"], 'error: --expires-at must be a date and time in ISO 8601, e.g. 2027-01-01T00:00:00Z (got "next week")\n'],
      [["tools", "list", "--project", "big", "--colour"], "error: unknown option '--colour'\n"],
      [["toolz"], "error: unknown command 'toolz' (Did you mean tools?)\n"],
    ];
    for (const [args, message] of cases) {
      const result = await tengine(...args);
      expect({ args, ...result }).toEqual({ args, code: 2, stdout: "", stderr: message });
    }
    const asJson = await tengine("--json", "runs", "list", "--project", "runs", "--limit", "0");
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stderr)).toEqual({ error: "usage", message: '--limit must be a whole number between 1 and 200 (got "0")' });
    const jsonLast = await tengine("runs", "list", "--project", "runs", "--limit", "x", "--json");
    expect(jsonLast.code).toBe(2);
    expect(JSON.parse(jsonLast.stderr)).toEqual({ error: "usage", message: '--limit must be a whole number between 1 and 200 (got "x")' });
  });
});
