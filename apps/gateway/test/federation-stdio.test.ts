import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { addMcpServer, getRun, type McpAdminDeps } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDeps, testFederation } from "./federation-helpers.ts";
import { connectClient, startWorld } from "./harness.ts";

// External MCP servers over stdio, from the operator's catalog: the real
// @modelcontextprotocol/server-everything and @modelcontextprotocol/server-filesystem from npm,
// started by the gateway as children with a limited environment, reached with the SDK client.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let admin: McpAdminDeps & { close(): Promise<void> };
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
const dataDir = mkdtempSync(path.join(tmpdir(), "tengine-fs-data-"));
writeFileSync(path.join(dataDir, "notes.txt"), "federated file contents\n");
const federation = testFederation(dataDir);

beforeAll(async () => {
  world = await startWorld("fed_stdio", { federation });
  admin = adminDeps(world, federation);
  p = await world.createProjectWithKey("Federation stdio");
  const everything = await addMcpServer(admin, p.project.id, { name: "everything", catalog: "everything", credentials: { DEMO_TOKEN: "stdio-demo-token-456" } });
  expect(everything).toMatchObject({ transport: "stdio", status: "ok", credentials: [{ key: "DEMO_TOKEN", set: true }] });
  expect(everything.toolCount).toBeGreaterThan(5);
  const fs = await addMcpServer(admin, p.project.id, { name: "fs", catalog: "filesystem" });
  expect(fs).toMatchObject({ status: "ok", lastError: null });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await world?.close();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");

describe("stdio MCP servers from the operator's catalog", () => {
  it("server-everything: listed, called, recorded as a run naming the server", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["everything_echo", "everything_get-sum", "fs_read_text_file", "fs_list_directory"]));
    const result: any = await client.callTool({ name: "everything_echo", arguments: { message: "over stdio" } });
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe("Echo: over stdio");
    const run = await getRun(world.db, p.project.id, result._meta["tengine/runId"]);
    expect(run).toMatchObject({ status: "succeeded", toolName: "everything_echo" });
    expect(run!.request).toMatchObject({ method: "tools/call", url: "stdio:everything", mcpServer: "everything" });
    expect(JSON.parse((run!.request as any).body)._meta["tengine/principal"]).toMatchObject({ kind: "api_key", keyId: p.keyId });
  });

  it("the child gets only the catalog's environment and its credentials, secrets redacted from results", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: "everything_get-env", arguments: {} });
    await client.close();
    const env = text(result);
    expect(env).toContain("EVERYTHING_MODE");
    expect(env).toContain("DEMO_TOKEN");
    // The value is the child's, never the model's: redacted on the way back.
    expect(env).not.toContain("stdio-demo-token-456");
    expect(env).toContain("[redacted]");
    for (const name of ["TENGINE_MASTER_KEY", "DATABASE_URL", "REDIS_URL", "VITEST"]) expect(env).not.toContain(`"${name}"`);
    expect(JSON.parse(env).HOME).toContain(path.join(federation.workRoot, p.project.id, "everything"));
    const run = await getRun(world.db, p.project.id, result._meta["tengine/runId"]);
    expect(JSON.stringify(run)).not.toContain("stdio-demo-token-456");
  });

  it("server-filesystem: reads a file of its directory", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: "fs_read_text_file", arguments: { path: path.join(dataDir, "notes.txt") } });
    const outside: any = await client.callTool({ name: "fs_read_text_file", arguments: { path: "/etc/passwd" } });
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain("federated file contents");
    expect(outside.isError).toBe(true);
    expect(text(outside)).not.toContain("root:");
  });

  it("a killed child gives a clear tool error, and the next call restarts it", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    expect(text(await client.callTool({ name: "everything_echo", arguments: { message: "alive" } }))).toBe("Echo: alive");
    const pid = childIn(path.join(federation.workRoot, p.project.id, "everything"));
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, "SIGKILL");
    // The call that finds it dead fails clearly (or, if the death was seen first, restarts it).
    const during: any = await client.callTool({ name: "everything_echo", arguments: { message: "during" } });
    if (during.isError) expect(text(during)).toMatch(/MCP server everything/);
    const after: any = await client.callTool({ name: "everything_echo", arguments: { message: "after" } });
    await client.close();
    expect(text(after)).toBe("Echo: after");
    expect(childIn(path.join(federation.workRoot, p.project.id, "everything"))).not.toBe(pid);
  });
});

/** The pid of the process running in a directory: each stdio server has its own working directory. */
function childIn(dir: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) return Number(entry);
    } catch {
      // gone, or not ours
    }
  }
  return undefined;
}
