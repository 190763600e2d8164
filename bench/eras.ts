// The era benchmark: tools/call of the read tool at 1 and 64 connections, through
// - this gateway, 2025-06-18 (initialize-era request, no session) and 2026-07-28 (modern headers and _meta);
// - optionally another checkout's gateway (BENCH_BASELINE_ROOT, e.g. the main branch), 2025-06-18;
// - the SDK v2 `createMcpHandler` (bench/sdk-v2-server.ts), both eras, with no auth, database or run.
// Runs are alternated round by round so every row sees the same machine; each row is the
// median of its rounds. `npx tsx bench/eras.ts` (BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS).
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SecretBox } from "@tengine/core";
import { forkTs, firstMessage, startGatewayChild, stopAllChildren } from "./lib/children.ts";
import { type LoadResult, medianOfRounds, runLoad } from "./lib/load.ts";
import { fmt, table } from "./lib/report.ts";
import { READ_TOOL, seedCallProject } from "./lib/seed.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const DURATION_SEC = number("BENCH_DURATION", 5);
const WARMUP_SEC = number("BENCH_WARMUP", 1);
const ROUNDS = number("BENCH_ROUNDS", 2);
const BASELINE_ROOT = process.env.BENCH_BASELINE_ROOT;
const MODERN = "2026-07-28";
const LEGACY = "2025-06-18";
const log = (message: string) => process.stderr.write(`[eras] ${message}\n`);

if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");

const readArgs = { q: "itm_0001", limit: 10 };
const isToolSuccess = (body: string) => body.includes('"result"') && !body.includes('"isError":true') && body.includes("itm_0001");

/** The request each era sends: 2025 with its version header only; 2026-07-28 with the mirrored headers and `_meta`. */
function request(era: string, key: string | undefined) {
  const auth: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  const base = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": era, ...auth };
  if (era !== MODERN) return { headers: base, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: READ_TOOL, arguments: readArgs } }) };
  const _meta = { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}, "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" } };
  return { headers: { ...base, "mcp-method": "tools/call", "mcp-name": READ_TOOL }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: READ_TOOL, arguments: readArgs, _meta } }) };
}

async function main() {
  log(`${DURATION_SEC} s runs after ${WARMUP_SEC} s warm-up, ${ROUNDS} rounds, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}`);
  const database = await createTestDatabase("bench-eras");
  try {
    const upstream = forkTs("upstream", path.join(ROOT, "bench/upstream.ts"), { cwd: ROOT });
    const upstreamUrl = `http://127.0.0.1:${(await firstMessage<{ port: number }>(upstream, 30_000)).port}`;
    const sdk = forkTs("sdk-v2", path.join(ROOT, "bench/sdk-v2-server.ts"), { cwd: ROOT, env: { ...process.env, FORWARDER_UPSTREAM_URL: upstreamUrl } });
    const sdkUrl = `http://127.0.0.1:${(await firstMessage<{ port: number }>(sdk, 30_000)).port}/mcp`;
    const masterKey = SecretBox.generateKey();
    const calls = await seedCallProject(database.db, new SecretBox(masterKey), upstreamUrl);
    const env = { ALLOW_PRIVATE_UPSTREAMS: "true" };
    const here = await startGatewayChild(ROOT, database.target, masterKey, env);
    const baseline = BASELINE_ROOT ? await startGatewayChild(BASELINE_ROOT, database.target, masterKey, env) : undefined;
    const mcp = (url: string) => `${url}/p/${calls.project.slug}/mcp`;
    const scenarios = [
      ...(baseline ? [{ label: `baseline gateway (${path.basename(BASELINE_ROOT!)}), ${LEGACY}`, url: mcp(baseline.url), pid: baseline.child.proc.pid, ...request(LEGACY, calls.key) }] : []),
      { label: `gateway, ${LEGACY}`, url: mcp(here.url), pid: here.child.proc.pid, ...request(LEGACY, calls.key) },
      { label: `gateway, ${MODERN}`, url: mcp(here.url), pid: here.child.proc.pid, ...request(MODERN, calls.key) },
      { label: `SDK v2 createMcpHandler (no auth/DB), ${LEGACY}`, url: sdkUrl, pid: sdk.proc.pid, ...request(LEGACY, undefined) },
      { label: `SDK v2 createMcpHandler (no auth/DB), ${MODERN}`, url: sdkUrl, pid: sdk.proc.pid, ...request(MODERN, undefined) },
    ];
    for (const s of scenarios) {
      const res = await fetch(s.url, { method: "POST", headers: s.headers, body: s.body });
      const text = await res.text();
      if (!res.ok || !isToolSuccess(text)) throw new Error(`verification failed for ${s.label}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    const rows: Array<{ label: string; connections: number; result: LoadResult }> = [];
    for (const connections of [1, 64]) {
      const rounds = new Map<string, LoadResult[]>();
      for (const s of scenarios) await runLoad({ url: s.url, method: "POST", headers: s.headers, body: s.body, connections, durationSec: WARMUP_SEC, verifyBody: isToolSuccess });
      for (let round = 1; round <= ROUNDS; round++) {
        for (const s of scenarios) {
          log(`${s.label} @ ${connections} round ${round}/${ROUNDS}`);
          const one = await runLoad({ url: s.url, method: "POST", headers: s.headers, body: s.body, connections, durationSec: DURATION_SEC, verifyBody: isToolSuccess, cpuOf: { gateway: s.pid, upstream: upstream.proc.pid } });
          rounds.set(s.label, [...(rounds.get(s.label) ?? []), one]);
        }
      }
      for (const s of scenarios) rows.push({ label: s.label, connections, result: medianOfRounds(rounds.get(s.label)!) });
    }
    console.log(`\ntools/call ${READ_TOOL} by protocol era — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} CPUs, ${DURATION_SEC} s × ${ROUNDS} alternated rounds (median)`);
    console.log(
      table(
        ["path", "conc", "calls/s", "p50 ms", "p99 ms", "errors", "CPU/call"],
        rows.map((r) => [r.label, r.connections, fmt.int(r.result.callsPerSec), fmt.ms(r.result.latencyMs.p50), fmt.ms(r.result.latencyMs.p99), r.result.errors.total, fmt.cpu(r.result.cpuMsPerCall.gateway)]),
        [false, true, true, true, true, true, true],
      ),
    );
  } finally {
    await stopAllChildren();
    await database.drop();
  }
}

await main();
