// A/B of the gateway's call path: this checkout's gateway beside another checkout's (a git
// worktree of an earlier commit), on the same database, upstream and machine, measured in
// alternated rounds (A, B, A, B…). On a shared machine the load changes from minute to minute;
// only rounds run side by side can tell a 10 % change in CPU per call from the noise.
//
//   git worktree add --detach /tmp/tengine-base <commit> && (cd /tmp/tengine-base && npm ci)
//   BENCH_BASE_ROOT=/tmp/tengine-base npx tsx bench/ab.ts
//
// BENCH_A_NODE_ARGS / BENCH_B_NODE_ARGS add node flags to one side (a runtime setting A/B:
// BENCH_BASE_ROOT=. BENCH_B_NODE_ARGS="--max-semi-space-size=32").
// Settings: BENCH_BASE_ROOT (required), BENCH_DURATION (s per round, default 5), BENCH_WARMUP
// (default 2), BENCH_ROUNDS (per side, default 3), BENCH_CONNECTIONS (default 64),
// BENCH_DATABASE_URL. Both checkouts must share the database schema's migrations.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SecretBox } from "@tengine/core";
import { type Child, firstMessage, forkTs, startGatewayChild, stopAllChildren } from "./lib/children.ts";
import { type LoadResult, runLoad } from "./lib/load.ts";
import { fmt, table } from "./lib/report.ts";
import { READ_TOOL, seedCallProject, WRITE_TOOL } from "./lib/seed.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BASE_ROOT = process.env.BENCH_BASE_ROOT;
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP_SEC = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const log = (message: string) => process.stderr.write(`[ab] ${message}\n`);

if (!BASE_ROOT || !existsSync(path.join(BASE_ROOT, "apps/gateway/src/main.ts")) || !existsSync(path.join(BASE_ROOT, "node_modules"))) {
  process.stderr.write("[ab] set BENCH_BASE_ROOT to another checkout of this repository with its node_modules installed (see the top of bench/ab.ts)\n");
  process.exit(2);
}
for (const [name, value] of [["BENCH_DURATION", DURATION_SEC], ["BENCH_WARMUP", WARMUP_SEC], ["BENCH_ROUNDS", ROUNDS], ["BENCH_CONNECTIONS", CONNECTIONS]] as const) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`[ab] ${name} must be a positive number\n`);
    process.exit(2);
  }
}
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");

const database = await createTestDatabase("bench_ab");
const cleanup = async () => {
  await stopAllChildren().catch(() => {});
  await database.drop().catch(() => {});
};
process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));

try {
  const upstream = forkTs("upstream", path.join(ROOT, "bench/upstream.ts"), { cwd: ROOT });
  const { port } = await firstMessage<{ port: number }>(upstream, 30_000);
  const upstreamUrl = `http://127.0.0.1:${port}`;
  const masterKey = SecretBox.generateKey();
  const seeded = await seedCallProject(database.db, new SecretBox(masterKey), upstreamUrl);
  const env = { ALLOW_PRIVATE_UPSTREAMS: "true" };
  const sides: { name: string; child: Child; url: string }[] = [];
  for (const [name, root, args] of [["A (base)", BASE_ROOT, process.env.BENCH_A_NODE_ARGS], ["B (this checkout)", ROOT, process.env.BENCH_B_NODE_ARGS]] as const) {
    const started = await startGatewayChild(root, database.target, masterKey, env, args ? args.split(" ").filter(Boolean) : []);
    sides.push({ name, child: started.child, url: `${started.url}/p/${seeded.project.slug}/mcp` });
    log(`${name}: ${root}${args ? ` (node ${args})` : ""} on ${started.url}`);
  }
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${seeded.key}`, "mcp-protocol-version": "2025-06-18" };
  let n = 0;
  const call = (name: string, args: Record<string, unknown>) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } });
  const scenarios = [
    { op: "read", body: () => call(READ_TOOL, { q: "itm_0001", limit: 10 }) },
    { op: "write", body: () => call(WRITE_TOOL, { n: `ab-${process.pid}-${++n}`, note: "Customer asked to be called back next week about the renewal.", amount: 42 }) },
  ];
  const ok = (body: string) => body.includes('"result"') && !body.includes('"isError":true');
  const rows: (string | number)[][] = [];
  log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ${ROUNDS} rounds of ${DURATION_SEC} s per side at ${CONNECTIONS} connections`);
  for (const s of scenarios) {
    const spec = (side: (typeof sides)[number]) => ({ url: side.url, method: "POST" as const, headers, body: s.body, connections: CONNECTIONS, verifyBody: ok, cpuOf: { gateway: side.child.proc.pid, postgres: "postgres" as const } });
    for (const side of sides) await runLoad({ ...spec(side), durationSec: WARMUP_SEC });
    const results: LoadResult[][] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, side] of sides.entries()) {
        const r = await runLoad({ ...spec(side), durationSec: DURATION_SEC });
        if (r.errors.total) throw new Error(`${side.name} ${s.op}: ${r.errors.total} errors (${JSON.stringify(r.errors.statusCodes)})`);
        results[i]!.push(r);
        log(`${s.op} ${side.name} round ${round + 1}: ${fmt.int(r.callsPerSec)} calls/s, CPU ${fmt.cpu(r.cpuMsPerCall.gateway)}/call, Postgres ${fmt.cpu(r.cpuMsPerCall.postgres ?? null)}/call`);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const summary = results.map((rs) => ({ cps: med(rs.map((r) => r.callsPerSec)), cpu: med(rs.map((r) => r.cpuMsPerCall.gateway ?? NaN)), pg: med(rs.map((r) => r.cpuMsPerCall.postgres ?? NaN)), p50: med(rs.map((r) => r.latencyMs.p50)), p99: med(rs.map((r) => r.latencyMs.p99)) }));
    const [a, b] = summary as [(typeof summary)[number], (typeof summary)[number]];
    rows.push([s.op, CONNECTIONS, fmt.int(a.cps), fmt.int(b.cps), fmt.ratio(b.cps / a.cps), fmt.cpu(a.cpu), fmt.cpu(b.cpu), fmt.ratio(b.cpu / a.cpu), fmt.cpu(a.pg), fmt.cpu(b.pg), fmt.ms(a.p50), fmt.ms(b.p50), fmt.ms(a.p99), fmt.ms(b.p99)]);
  }
  process.stdout.write(`\nA = ${BASE_ROOT}, B = ${ROOT} (medians of ${ROUNDS} alternated rounds; load average now ${os.loadavg()[0]!.toFixed(2)})\n`);
  process.stdout.write(`${table(["tools/call", "conc", "A calls/s", "B calls/s", "B ÷ A", "A CPU/call", "B CPU/call", "B ÷ A CPU", "A pg CPU/call", "B pg CPU/call", "A p50", "B p50", "A p99", "B p99"], rows)}\n`);
} finally {
  await cleanup();
}
