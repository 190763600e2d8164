import { mkdtempSync, readdirSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { addMcpServer, createOutboundClient, type FederationSettings, listMcpServers, type McpAdminDeps, McpPool, NO_CREDENTIAL_SOURCES, parseMcpCatalog, ProjectRuntimeCache } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDeps, EVERYTHING_JS } from "./federation-helpers.ts";
import { connectClient, startWorld } from "./harness.ts";

// The limits of stdio children, on the real @modelcontextprotocol/server-everything from npm:
// memory, output size and lifetime each stop the child with a reason the admin sees; a child
// that dies (killed mid-call) gives a clear tool error and is restarted, with backoff.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let admin: McpAdminDeps & { close(): Promise<void> };
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;

const everything = (limits: Record<string, number> = {}) => ({ command: process.execPath, args: [EVERYTHING_JS, "stdio"], limits });
const parsed = parseMcpCatalog(
  JSON.stringify({
    servers: {
      everything: everything(),
      // Node alone needs more than 16 MB resident.
      "tiny-memory": everything({ memoryMb: 16 }),
      // tools/list of server-everything fits; a 300 KB echo does not.
      "small-output": everything({ maxOutputBytes: 256 * 1024 }),
      "short-lived": everything({ maxLifetimeSec: 10 }),
    },
  }),
);
if (!parsed.ok) throw new Error(parsed.error);
const federation: FederationSettings = { catalog: parsed.catalog, credentials: NO_CREDENTIAL_SOURCES, workRoot: mkdtempSync(path.join(tmpdir(), "tengine-mcp-limits-")) };

beforeAll(async () => {
  world = await startWorld("fed_limits", { federation });
  admin = adminDeps(world, federation);
  p = await world.createProjectWithKey("Federation limits");
  for (const name of ["everything", "tiny-memory", "small-output", "short-lived"]) {
    expect(await addMcpServer(admin, p.project.id, { name: name.replace("-", ""), catalog: name })).toMatchObject({ status: "ok" });
  }
  // The admin pool's own children are not the gateway's: stop them so only the gateway's run.
  await admin.mcp?.close();
}, 90_000);

afterAll(async () => {
  await admin?.close();
  await world?.close();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const serverDir = (name: string) => path.join(federation.workRoot, p.project.id, name);

/** Waits until the gateway recorded an error for the server matching `pattern`. */
async function lastErrorOf(name: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    const server = (await listMcpServers(world.db, p.project.id)).find((s) => s.name === name);
    last = server?.lastError ?? null;
    if (server?.status === "error" && last && pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name}: no error matching ${pattern} (last error: ${last})`);
}

describe("stdio limits", () => {
  it("memory: a child above its memory limit is stopped, with the reason shown to the admin", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    // The call starts the child; the memory check (every 2 s) stops it.
    await client.callTool({ name: "tinymemory_echo", arguments: { message: "x" } });
    await client.close();
    expect(await lastErrorOf("tinymemory", /stopped: it used \d+ MB of memory, above its limit of 16 MB/)).toBeTruthy();
    await waitFor(() => childIn(serverDir("tinymemory")) === undefined);
  });

  it("output: a message above the output limit stops the child; the call fails naming the limit; the next call recovers", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const big: any = await client.callTool({ name: "smalloutput_echo", arguments: { message: "y".repeat(300 * 1024) } });
    expect(big.isError).toBe(true);
    expect(text(big)).toBe(`MCP server smalloutput did not answer tools/call: stopped: it wrote a message above its output limit of ${256 * 1024} bytes`);
    expect(await lastErrorOf("smalloutput", /output limit/)).toBeTruthy();
    const small: any = await client.callTool({ name: "smalloutput_echo", arguments: { message: "small" } });
    await client.close();
    expect(text(small)).toBe("Echo: small");
  });

  it("lifetime: a child is stopped after its maximum lifetime and started again at the next call", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    expect(text(await client.callTool({ name: "shortlived_echo", arguments: { message: "first" } }))).toBe("Echo: first");
    const first = childIn(serverDir("shortlived"));
    expect(first).toBeGreaterThan(0);
    expect(await lastErrorOf("shortlived", /stopped after its maximum lifetime of 10 s/, 20_000)).toBeTruthy();
    await waitFor(() => childIn(serverDir("shortlived")) === undefined);
    expect(text(await client.callTool({ name: "shortlived_echo", arguments: { message: "again" } }))).toBe("Echo: again");
    await client.close();
    const second = childIn(serverDir("shortlived"));
    expect(second).toBeGreaterThan(0);
    expect(second).not.toBe(first);
  }, 40_000);

  it("a child killed mid-call gives a clear tool error and the run fails; the next call restarts it", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    expect(text(await client.callTool({ name: "everything_echo", arguments: { message: "alive" } }))).toBe("Echo: alive");
    const pid = childIn(serverDir("everything"))!;
    const call = client.callTool({ name: "everything_trigger-long-running-operation", arguments: { duration: 5, steps: 5 } });
    await new Promise((r) => setTimeout(r, 500));
    process.kill(pid, "SIGKILL");
    const cut: any = await call;
    expect(cut.isError).toBe(true);
    expect(text(cut)).toMatch(/^MCP server everything did not answer tools\/call: the (server exited|connection closed)/);
    const run = await world.db.run.findFirst({ where: { projectId: p.project.id, id: cut._meta["tengine/runId"] } });
    expect(run).toMatchObject({ status: "failed", toolName: "everything_trigger-long-running-operation" });
    const back: any = await client.callTool({ name: "everything_echo", arguments: { message: "back" } });
    await client.close();
    expect(text(back)).toBe("Echo: back");
    expect(childIn(serverDir("everything"))).not.toBe(pid);
  });
});

describe("restart backoff", () => {
  it("the first death restarts at once; a second one waits the backoff, with a tool error that says when", async () => {
    const outbound = createOutboundClient({ allowPrivate: true });
    const pool = new McpPool({ ...federation, fetch: outbound.fetch, allowPrivate: true, connectTimeoutMs: 15_000, restartBaseMs: 2_000 });
    try {
      const runtime = await new ProjectRuntimeCache(world.db, world.secretBox).get(p.project.id, Number.MAX_SAFE_INTEGER);
      const server = runtime.mcpServers.find((s) => s.name === "everything")!;
      // A directory of its own, so the gateway's child of the same server is not the one killed.
      const dir = serverDir("everything");
      const echo = (message: string) => pool.callTool(server, { name: "echo", args: { message }, meta: { "tengine/runId": `run_backoff_${message}` }, headers: { headers: {}, signingKey: null }, timeoutMs: 10_000 });
      const kill = async () => {
        const ours = childrenIn(dir).filter((pid) => !before.includes(pid));
        expect(ours).toHaveLength(1);
        process.kill(ours[0]!, "SIGKILL");
        await waitFor(() => pool.health(server.id).state === "down");
      };
      const before = childrenIn(dir);
      expect(await echo("one")).toMatchObject({ ok: true });
      await kill();
      expect(await echo("two")).toMatchObject({ ok: true });
      await kill();
      const refused = await echo("three");
      expect(refused).toMatchObject({ ok: false, kind: "refused" });
      expect(!refused.ok && refused.message).toMatch(/^MCP server everything stopped \(MCP server everything: the server exited.*\); it restarts in [12] s$/);
      await new Promise((r) => setTimeout(r, 2_100));
      expect(await echo("four")).toMatchObject({ ok: true });
    } finally {
      await pool.close();
      await outbound.close();
    }
  }, 30_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The pids of the processes running in a directory: each stdio server has its own working directory. */
function childrenIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

function childIn(dir: string): number | undefined {
  return childrenIn(dir)[0];
}
