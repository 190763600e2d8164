import { type ChildProcess, execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `tengine mcp-servers …` end to end: the real binary against this file's schema and the real
// @modelcontextprotocol/server-everything from npm, over Streamable HTTP and from a catalog.

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/tengine.mjs", import.meta.url));
const everythingJs = path.join(path.dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/package.json")), "dist", "index.js");
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;
let child: ChildProcess;
let url: string;

async function tengine(...args: string[]) {
  const { stdout } = await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  return JSON.parse(stdout);
}

async function tengineFails(...args: string[]) {
  try {
    await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, error: JSON.parse(e.stderr.trim().split("\n").at(-1)!) };
  }
  throw new Error(`expected tengine ${args.join(" ")} to fail`);
}

beforeAll(async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  child = spawn(process.execPath, [everythingJs, "streamableHttp"], { env: { PATH: process.env.PATH ?? "", PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve) => child.stderr!.on("data", (c: Buffer) => c.toString().includes("listening on port") && resolve()));
  url = `http://127.0.0.1:${port}/mcp`;
  const catalog = path.join(os.tmpdir(), `mcp-catalog-${process.pid}.json`);
  writeFileSync(catalog, JSON.stringify({ servers: { everything: { command: process.execPath, args: [everythingJs, "stdio"] } } }));
  database = await createTestDatabase("cli_mcp");
  env = {
    ...process.env,
    DATABASE_URL: database.target.url,
    DATABASE_SCHEMA: database.target.schema,
    TENGINE_MASTER_KEY: SecretBox.generateKey(),
    ALLOW_PRIVATE_UPSTREAMS: "true",
    TENGINE_MCP_CATALOG: catalog,
    TENGINE_CREDENTIALS_FILE: path.join(os.tmpdir(), "no-such-credentials.toml"),
  };
}, 60_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await database?.drop();
});

describe("tengine mcp-servers", () => {
  // Each run of the binary costs seconds on a shared machine: one scenario, few invocations.
  it("adds (http and catalog), lists, sets a tool read-only and removes servers, as JSON", { timeout: 300_000 }, async () => {
    await tengine("projects", "create", "Fed CLI", "--allow-http");
    const added = await tengine("mcp-servers", "add", "--project", "fed-cli", "--name", "everything", "--url", url, "--header", "x-team=support", "--credential", "token=cli-secret-token-1");
    // server-everything speaks the 2025 revisions: the negotiated one is recorded.
    expect(added).toMatchObject({ name: "everything", transport: "http", status: "ok", lastError: null, protocolVersion: "2025-11-25", credentials: [{ key: "token", secret: true, set: true }] });
    expect(added.tools.map((t: { name: string }) => t.name)).toContain("everything_echo");
    expect(JSON.stringify(added)).not.toContain("cli-secret-token-1");
    expect(JSON.stringify(added)).not.toContain("support");

    const local = await tengine("mcp-servers", "add", "--project", "fed-cli", "--name", "local", "--catalog", "everything");
    expect(local).toMatchObject({ transport: "stdio", catalogEntry: "everything", status: "ok", protocolVersion: "2025-11-25" });

    const tuned = await tengine("mcp-servers", "tool", "everything", "get-env", "--project", "fed-cli", "--read-only");
    expect(tuned.tools.find((t: { upstreamName: string }) => t.upstreamName === "get-env")).toMatchObject({ readOnly: true, requiredScopes: ["everything:read"] });

    expect(await tengine("mcp-servers", "remove", "local", "--project", "fed-cli")).toEqual({ name: "local", removed: true });
    const listed = await tengine("mcp-servers", "list", "--project", "fed-cli");
    expect(listed.map((s: { name: string; transport: string }) => [s.name, s.transport])).toEqual([["everything", "http"]]);
    expect(listed[0].toolCount).toBeGreaterThan(5);
    expect(listed[0].protocolVersion).toBe("2025-11-25");
  });

  it("refuses bad input with a message naming the problem", { timeout: 300_000 }, async () => {
    const notInCatalog = await tengineFails("mcp-servers", "add", "--project", "fed-cli", "--name", "x", "--catalog", "bash");
    expect(notInCatalog.code).not.toBe(0);
    expect(notInCatalog.error.message).toMatch(/catalog entry bash does not exist.*entries: everything/);
    const badPair = await tengineFails("mcp-servers", "add", "--project", "fed-cli", "--name", "x", "--url", url, "--header", "novalue");
    expect(badPair.error.message).toMatch(/expected NAME=VALUE/);
  });
});
