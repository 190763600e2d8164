// `npm run bench` (after bench/run.ts): a federated tools/call beside an HTTP tool's, through
// the same gateway. The federated server is the real @modelcontextprotocol/server-everything
// over Streamable HTTP in its own process; the HTTP tool calls the bench's trivial upstream.
// Rows: the HTTP read tool, `everything_echo` marked read-only (no idempotency claim), and the
// same tool as a write (derived idempotency key claimed and settled per call), at 1 and 16
// connections. See bench/README.md.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { addMcpServer, createOutboundClient, McpPool, NO_CREDENTIAL_SOURCES, SecretBox, setMcpToolSetting, EMPTY_CATALOG } from "@tengine/core";
import { forkTs, firstMessage, freePort, startGatewayChild, stopAllChildren } from "./lib/children.ts";
import { runLoad } from "./lib/load.ts";
import { fmt, table } from "./lib/report.ts";
import { READ_TOOL, seedCallProject } from "./lib/seed.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_SEC = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = [1, 16];
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");
const log = (message: string) => process.stderr.write(`[bench:federation] ${message}\n`);

const database = await createTestDatabase("bench_fed");
const everythingJs = path.join(path.dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/package.json")), "dist", "index.js");
const everythingPort = await freePort();
const everything = spawn(process.execPath, [everythingJs, "streamableHttp"], { env: { PATH: process.env.PATH ?? "", PORT: String(everythingPort) }, stdio: ["ignore", "ignore", "pipe"] });
const admin = { outbound: createOutboundClient({ allowPrivate: true }) };
const pool = new McpPool({ catalog: EMPTY_CATALOG, credentials: NO_CREDENTIAL_SOURCES, workRoot: "/tmp", fetch: admin.outbound.fetch, allowPrivate: true, connectTimeoutMs: 15_000 });
try {
  await new Promise<void>((resolve, reject) => {
    everything.stderr!.on("data", (c: Buffer) => c.toString().includes("listening on port") && resolve());
    everything.once("exit", (code) => reject(new Error(`server-everything exited with ${code}`)));
  });
  const upstream = forkTs("upstream", path.join(ROOT, "bench/upstream.ts"), { cwd: ROOT });
  const { port: upstreamPort } = await firstMessage<{ port: number }>(upstream, 30_000);
  const masterKey = SecretBox.generateKey();
  const secretBox = new SecretBox(masterKey);
  const { project, key } = await seedCallProject(database.db, secretBox, `http://127.0.0.1:${upstreamPort}`, { name: "bench federation" });
  await addMcpServer({ db: database.db, secretBox, catalog: EMPTY_CATALOG, allowPrivate: true, mcp: pool }, project.id, { name: "everything", url: `http://127.0.0.1:${everythingPort}/mcp` });
  // A second server name for the same upstream, its echo marked read-only: no idempotency claim per call.
  await addMcpServer({ db: database.db, secretBox, catalog: EMPTY_CATALOG, allowPrivate: true, mcp: pool }, project.id, { name: "everyread", url: `http://127.0.0.1:${everythingPort}/mcp` });
  await setMcpToolSetting(database.db, project.id, "everyread", "echo", { readOnly: true });
  const gateway = await startGatewayChild(ROOT, database.target, masterKey, { ALLOW_PRIVATE_UPSTREAMS: "true" });
  const mcpUrl = `${gateway.url}/p/${project.slug}/mcp`;
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${key}`, "mcp-protocol-version": "2025-06-18" };
  let n = 0;
  const call = (name: string, args: () => Record<string, unknown>) => () => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args() } });
  const ok = (body: string) => body.includes('"result"') && !body.includes('"isError":true');
  const scenarios = [
    { label: `HTTP tool ${READ_TOOL} (GET, read-only)`, body: call(READ_TOOL, () => ({ q: "itm_0001", limit: 10 })) },
    { label: "federated everyread_echo (read-only)", body: call("everyread_echo", () => ({ message: `m${n++}` })) },
    { label: "federated everything_echo (write: idempotency claim)", body: call("everything_echo", () => ({ message: `m${n++}` })) },
  ];
  const rows: (string | number)[][] = [];
  for (const s of scenarios) {
    for (const connections of CONNECTIONS) {
      const spec = { url: mcpUrl, method: "POST" as const, headers, body: s.body, connections, verifyBody: ok, cpuOf: { gateway: gateway.child.proc.pid } };
      log(`${s.label} @ ${connections}: warm-up ${WARMUP_SEC} s, then ${DURATION_SEC} s…`);
      await runLoad({ ...spec, durationSec: WARMUP_SEC });
      const r = await runLoad({ ...spec, durationSec: DURATION_SEC });
      rows.push([s.label, connections, fmt.int(r.callsPerSec), fmt.ms(r.latencyMs.p50), fmt.ms(r.latencyMs.p99), fmt.cpu(r.cpuMsPerCall.gateway), r.errors.total]);
    }
  }
  process.stdout.write(`\n## Federated tools/call beside an HTTP tool (same gateway, ${DURATION_SEC} s per row)\n\n`);
  process.stdout.write(`${table(["scenario", "conns", "calls/s", "p50 ms", "p99 ms", "gateway CPU/call", "errors"], rows)}\n`);
} finally {
  await stopAllChildren();
  everything.kill("SIGKILL");
  await pool.close();
  await admin.outbound.close();
  await database.drop();
}
