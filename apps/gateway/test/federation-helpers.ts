import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOutboundClient, type FederationSettings, type McpAdminDeps, McpPool, NO_CREDENTIAL_SOURCES, parseMcpCatalog, ProjectRuntimeCache, type ToolCallDeps } from "@tengine/core";
import { createDb } from "@tengine/db";
import type { startWorld } from "./harness.ts";

const require = createRequire(import.meta.url);
/** The entry points of the real third-party servers installed from npm. */
export const EVERYTHING_JS = path.join(path.dirname(require.resolve("@modelcontextprotocol/server-everything/package.json")), "dist", "index.js");
export const FILESYSTEM_JS = path.join(path.dirname(require.resolve("@modelcontextprotocol/server-filesystem/package.json")), "dist", "index.js");

type World = Awaited<ReturnType<typeof startWorld>>;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * `@modelcontextprotocol/server-everything` over Streamable HTTP, as its own process on a port
 * of ours; `start()` again after `kill()` brings it back on the same port.
 */
export async function startEverythingHttp() {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(process.execPath, [EVERYTHING_JS, "streamableHttp"], { env: { PATH: process.env.PATH ?? "", PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      let err = "";
      child!.stderr!.on("data", (c: Buffer) => {
        err += c.toString();
        if (err.includes("listening on port")) resolve();
      });
      child!.once("exit", (code) => reject(new Error(`server-everything exited with ${code}: ${err}`)));
    });
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    start,
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((r) => { c.once("exit", () => r()); c.kill("SIGKILL"); });
    },
  };
}

/** The operator catalog the tests run with: the real npm servers, started with this Node. */
export function testFederation(dataDir: string, extra: Record<string, { command: string; args: string[] }> = {}): FederationSettings {
  const parsed = parseMcpCatalog(
    JSON.stringify({
      servers: {
        everything: { command: process.execPath, args: [EVERYTHING_JS, "stdio"], env: { EVERYTHING_MODE: "test" }, credentials: [{ key: "DEMO_TOKEN", label: "a demo token", secret: true }] },
        filesystem: { command: process.execPath, args: [FILESYSTEM_JS, dataDir] },
        ...extra,
      },
    }),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return { catalog: parsed.catalog, credentials: NO_CREDENTIAL_SOURCES, workRoot: mkdtempSync(path.join(tmpdir(), "tengine-mcp-test-")) };
}

/** A pool of a process of our own (what the CLI or dashboard brings to `addMcpServer`). */
export function adminDeps(world: World, federation: FederationSettings): McpAdminDeps & { close(): Promise<void> } {
  const outbound = createOutboundClient({ allowPrivate: true });
  const mcp = new McpPool({ ...federation, fetch: outbound.fetch, allowPrivate: true, connectTimeoutMs: 15_000 });
  return {
    db: world.db,
    secretBox: world.secretBox,
    catalog: federation.catalog,
    allowPrivate: true,
    mcp,
    async close() {
      await mcp.close();
      await outbound.close();
    },
  };
}

/** The worker's view of the world, with its own MCP pool (approved federated calls go out from there). */
export function federatedWorkerDeps(world: World, federation: FederationSettings): ToolCallDeps & { close(): Promise<void> } {
  const { db, hot, close } = createDb({ url: world.config.databaseUrl, ...(world.config.databaseSchema ? { schema: world.config.databaseSchema } : {}) });
  const outbound = createOutboundClient({ allowPrivate: true });
  const mcp = new McpPool({ ...federation, fetch: outbound.fetch, allowPrivate: true, connectTimeoutMs: 15_000 });
  return {
    db,
    hot,
    runtime: new ProjectRuntimeCache(db, world.secretBox),
    outbound,
    mcp,
    async close() {
      await mcp.close();
      await outbound.close();
      await close();
    },
  };
}

/** A pass-through proxy that records each request (headers and body) before forwarding it. */
export async function startRecordingProxy(target: string) {
  const requests: Array<{ headers: http.IncomingHttpHeaders; body: string; url: string }> = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    requests.push({ headers: req.headers, body: body.toString(), url: req.url ?? "" });
    const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    upstream.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
