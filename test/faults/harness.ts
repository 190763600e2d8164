// Private Redis and Postgres servers for the fault tests: killing them must not disturb the
// machine's shared servers that every other test uses. Plus an upstream that behaves like a
// real API honouring Idempotency-Key, and an in-process gateway on those servers.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { createApiKey, createOrganization, createProject, createSigningSecret, createTool, SecretBox, type ToolDefinitionInput } from "@tengine/core";
import { createDb, runMigrations } from "@tengine/db";
import pino from "pino";
import { createGateway } from "../../apps/gateway/src/http/create-gateway.ts";
import type { GatewayConfig } from "../../apps/gateway/src/env.ts";

const run = promisify(execFile);
const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";
const PG_BIN = process.env.PG_BIN_DIR ?? "/usr/local/bin";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tcpOpen(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A redis-server of this test alone, on a free port, without persistence. */
export async function startPrivateRedis() {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"], { stdio: "ignore" });
    await waitFor(() => tcpOpen(port), `redis-server on port ${port}`);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    /** SIGKILL: a crash, not a shutdown; resolves when the port is closed */
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGKILL");
      await exited;
      await waitFor(async () => !(await tcpOpen(port)), "redis port closed");
    },
    async close() {
      await this.kill();
    },
  };
}

/** `cmd args` as the postgres user when this process is root (initdb refuses root). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

/**
 * A Postgres cluster of this test alone: initdb into a temporary directory, trust auth,
 * listening on 127.0.0.1 at a free port; `stopImmediate()` is `pg_ctl stop -m immediate` (no
 * clean shutdown: every connection cut), `start()` brings it back on the same port and data.
 */
export async function startPrivatePostgres() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tengine-faults-pg-"));
  if (process.getuid?.() === 0) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, "data");
  const port = await freePort();
  await run(...asPostgres(path.join(PG_BIN, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C"]));
  const pgctl = (args: string[]) => run(...asPostgres(path.join(PG_BIN, "pg_ctl"), ["-D", data, ...args]));
  const start = async () => {
    await pgctl(["-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    async stopImmediate() {
      await pgctl(["-m", "immediate", "-w", "stop"]);
    },
    async close() {
      await pgctl(["-m", "immediate", "-w", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type UpstreamHit = { method: string; url: string; key: string | undefined; body: string; at: number };

/**
 * An API that honours Idempotency-Key as a careful real one does: a write is executed once per
 * key and a repeat gets the first answer back. `received` counts every request per key (what
 * the gateway sent), `executed` the writes that took effect. `mode` changes behaviour on the fly.
 */
export async function startUpstream() {
  const hits: UpstreamHit[] = [];
  const executed = new Map<string, number>();
  const received = new Map<string, number>();
  const state = { mode: "ok" as "ok" | "slow" | "down503", slowMs: 0 };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const key = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : undefined;
    hits.push({ method: req.method!, url: req.url!, key, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
    if (key) received.set(key, (received.get(key) ?? 0) + 1);
    if (state.mode === "down503") {
      res.writeHead(503, { "content-type": "application/json" }).end('{"error":"maintenance"}');
      return;
    }
    if (state.mode === "slow") await sleep(state.slowMs);
    if (res.destroyed) return;
    // A repeated key is answered again without acting again (a careful API); `received` shows it.
    if (req.method === "POST" && key && !executed.has(key)) executed.set(key, 1);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, key: key ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    executed,
    received,
    state,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Migrates `databaseUrl`, seeds an organization, and runs gateways on it with captured logs. */
export async function startWorld(databaseUrl: string, overrides: Partial<GatewayConfig> = {}) {
  await runMigrations({ url: databaseUrl });
  const database = createDb({ url: databaseUrl }, { poolSize: 4 });
  const db = database.db;
  const masterKey = SecretBox.generateKey();
  const secretBox = new SecretBox(masterKey);
  const logLines: string[] = [];
  const logger = pino({ level: "info" }, new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } }));
  const config: GatewayConfig = {
    databaseUrl,
    embeddedDatabase: false,
    port: 0,
    host: "127.0.0.1",
    metricsPort: 0,
    metricsHost: "127.0.0.1",
    publicUrl: "http://gateway.test",
    masterKey,
    allowPrivateUpstreams: true,
    allowedOrigins: [],
    logLevel: "info",
    ...overrides,
  };
  const gateways: Array<{ close(): Promise<void> }> = [];
  const org = await createOrganization(db, { name: `Faults ${Date.now()}` });
  return {
    db,
    logLines,
    config,
    async startGateway() {
      const gateway = await createGateway(config, { logger });
      const port = await gateway.listen(0, "127.0.0.1");
      gateways.push(gateway);
      return { base: `http://127.0.0.1:${port}`, metricsBase: `http://127.0.0.1:${gateway.metricsPort}`, gateway };
    },
    async createProjectWithKey(name: string) {
      const project = await createProject(db, { orgId: org.id, name, allowHttpUpstreams: true });
      const key = await createApiKey(db, project.id, { name: "faults", scopes: [] });
      await createSigningSecret(db, secretBox, project.id);
      return { project, key: key.key };
    },
    addTool: (projectId: string, def: ToolDefinitionInput) => createTool(db, secretBox, projectId, def),
    async close() {
      for (const g of gateways) await g.close().catch(() => {});
      await database.close();
    },
  };
}

export type CallAnswer = { status: number; body: any; text: string; ms: number };

/** One stateless MCP tools/call over HTTP, as a client would send it; never throws on HTTP errors. */
export async function callTool(base: string, slug: string, key: string, name: string, args: unknown, headers: Record<string, string> = {}): Promise<CallAnswer> {
  const started = performance.now();
  const res = await fetch(`${base}/p/${slug}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${key}`, "mcp-protocol-version": "2025-06-18", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, ms: performance.now() - started };
}

export const resultText = (a: CallAnswer): string => (a.body?.result?.content ?? []).map((c: any) => c.text).join("\n");

/** The value of one Prometheus sample (0 when absent). */
export function metricValue(metrics: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const found = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

export const echoSchema = { type: "object", properties: {}, additionalProperties: true } as const;
