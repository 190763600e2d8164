// `npm run bench`: the same trivial upstream called directly, through a bare forwarder and
// through the gateway (tools/call with an API key, every run recorded; gateway and forwarder
// alternated) at concurrency 1 and 64, and tools/list for a project with 1,000 tools.
// BENCH_PROFILE=1 also profiles the gateway and counts its Postgres round trips. See
// bench/README.md for what is measured and how to read it.
//
// Processes: this one generates load (autocannon) and owns the database seeding; the upstream,
// the forwarder and the gateways each run in a child process, so the 2 cores are shared the
// way they would be in production-like use (plus Postgres, which runs outside).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRedisClient, SecretBox, setRateLimits } from "@tengine/core";
import type { Db } from "@tengine/db";
import { type Child, forkTs, firstMessage, freePort, spawnTs, startGatewayChild, stopAllChildren, waitForHttp200 } from "./lib/children.ts";
import { type LoadResult, medianOfRounds, percentile, runLoad } from "./lib/load.ts";
import { formatSummary, mainThreadProfile, summariseProfile } from "./lib/cpu-profile.ts";
import { callPathScans, SCAN_ROWS_PER_CALL_LIMIT, scanProblems } from "./lib/scan-check.ts";
import { formatPgPerCall, type PgCounts, pgDelta, startPgCounter } from "./lib/pg-counter.ts";
import { measureDurableCommit } from "./lib/commit-probe.ts";
import { fmt, table } from "./lib/report.ts";
import { READ_TOOL, seedCallProject, seedListProject, WRITE_TOOL } from "./lib/seed.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DURATION_SEC = positiveNumber("BENCH_DURATION", 10);
const WARMUP_SEC = positiveNumber("BENCH_WARMUP", 2);
const LIST_TOOL_COUNT = positiveNumber("BENCH_LIST_TOOLS", 1000);
/** BENCH_CONNECTIONS=64 (or "1,64"): the tools/call concurrencies measured. */
const CALL_CONCURRENCY = connectionList("BENCH_CONNECTIONS", [1, 64]);
/**
 * BENCH_ONLY=gateway_read,gateway_write: measure only these tools/call scenarios (their
 * forwarder pairs and the direct baselines come along); add tools_list for the tools/list
 * rows, which are skipped otherwise. Unset: everything. For quick iterations on one path.
 */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim()).filter(Boolean)) : undefined;
const LIST_CONCURRENCY = [1, 8];
const COLD_LOADS = 5;
/** Measured runs of the gateway and of the forwarder per scenario, alternated A/B/A/B. */
const ROUNDS = positiveNumber("BENCH_ROUNDS", 2);
if (!Number.isInteger(ROUNDS)) settingError(`BENCH_ROUNDS must be a whole number of rounds (got "${process.env.BENCH_ROUNDS}")`);
/**
 * BENCH_PROFILE=1: the execution-core gateway runs with --cpu-prof and reaches Postgres
 * through a counting proxy; the profile is cut by the measured runs and summarised, with the
 * Postgres round trips per call. The profiler and the proxy cost time: read that run's
 * breakdown, not its calls/s.
 */
const PROFILE = process.env.BENCH_PROFILE === "1";
const PROTOCOL_VERSION = "2025-06-18";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** Limits no benchmark run comes near (checked on every call, never refusing one). */
const GENEROUS = { project: { max: 100_000_000, windowSec: 60 }, principal: { max: 100_000_000, windowSec: 60 }, tool: { max: 100_000_000, windowSec: 60 }, failOpen: false };

// createTestDatabase reads TEST_DATABASE_URL when its module loads: set it first.
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// ---------------------------------------------------------------- teardown, even on failure
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup() {
  cleaning ??= (async () => {
    await stopAllChildren().catch((error: unknown) => log(`stopping children: ${String(error)}`));
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  })();
  return cleaning;
}
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `on`, not `once`: Ctrl-C reaches this process both from the terminal and relayed by the
  // tsx/npm wrappers; a second signal must not fall back to the default (exit, no cleanup).
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping and cleaning up…`);
    setTimeout(() => {
      log("cleanup took more than 30 s: exiting anyway");
      process.exit(130);
    }, 30_000).unref();
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- scenarios
type Scenario = {
  id: string;
  label: string;
  kind: "direct" | "gateway" | "forwarder";
  /** the direct scenario this one is compared with */
  baseline?: string;
  /** the bare-forwarder scenario measured in alternation with this gateway scenario */
  forwarder?: Scenario;
  /** the execution-core scenario a rate-limited one is compared with */
  core?: string;
  /** which gateway process serves it (for CPU) */
  gateway?: "core" | "limits";
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string | (() => string);
  verifyBody: (body: string) => boolean;
};

type ProfileWindow = { scenario: string; connections: number; round: number; startUs: number; endUs: number; responses: number; pg?: PgCounts };

type Row = {
  scenario: string;
  label: string;
  kind: "direct" | "gateway" | "forwarder";
  baseline?: string;
  core?: string;
  connections: number;
  /** the median over the alternated rounds for gateway/forwarder pairs, else the one run */
  result: LoadResult;
  rounds?: LoadResult[];
  vsBaseline?: { throughputRatio: number; p50Ratio: number; p99Ratio: number; p50PlusMs: number; p99PlusMs: number };
  flagged: boolean;
};

function mcpHeaders(key: string) {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    authorization: `Bearer ${key}`,
    "mcp-protocol-version": PROTOCOL_VERSION,
  };
}

/** The 2026-07-28 request: the mirrored headers (Mcp-Method, Mcp-Name) and the per-request `_meta`. */
const MODERN_PROTOCOL_VERSION = "2026-07-28";
const MODERN_META = { "io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL_VERSION, "io.modelcontextprotocol/clientCapabilities": {}, "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" } };
function modernHeaders(key: string, tool: string) {
  return { ...mcpHeaders(key), "mcp-protocol-version": MODERN_PROTOCOL_VERSION, "mcp-method": "tools/call", "mcp-name": tool };
}
const modernCall = (name: string, args: unknown) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args, _meta: MODERN_META } });

const rpc = (method: string, params?: unknown) => JSON.stringify({ jsonrpc: "2.0", id: 1, method, ...(params === undefined ? {} : { params }) });
const isToolSuccess = (body: string) => body.includes('"result"') && !body.includes('"isError":true');

async function post(url: string, headers: Record<string, string>, body: string) {
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms, bytes: Buffer.byteLength(text) };
}

function ensureAlive(...children: Child[]) {
  for (const child of children) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (code ${child.proc.exitCode}, signal ${child.proc.signalCode})\n${child.output()}`);
    }
  }
}

// ---------------------------------------------------------------- main
async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  log(`duration ${DURATION_SEC} s per run, warm-up ${WARMUP_SEC} s, ${os.cpus().length} CPUs, Node ${process.version}, load average ${loadBefore.map((n) => n.toFixed(2)).join(" ")}`);
  if (loadBefore[0]! > os.cpus().length * 0.5) log("WARNING: the machine is already busy; results will be noisy");

  const database = await createTestDatabase("bench");
  cleanups.push(() => database.drop());
  const db: Db = database.db;
  log(`database schema ${database.target.schema} (migrated)`);

  const upstream = forkTs("upstream", path.join(ROOT, "bench/upstream.ts"), { cwd: ROOT });
  const { port: upstreamPort } = await firstMessage<{ port: number }>(upstream, 30_000);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  log(`upstream on ${upstreamUrl} (pid ${upstream.proc.pid})`);
  const forwarder = forkTs("forwarder", path.join(ROOT, "bench/forwarder.ts"), { cwd: ROOT, env: { ...process.env, FORWARDER_UPSTREAM_URL: upstreamUrl } });
  const { port: forwarderPort } = await firstMessage<{ port: number }>(forwarder, 30_000);
  const forwarderUrl = `http://127.0.0.1:${forwarderPort}/mcp`;
  log(`bare forwarder on ${forwarderUrl} (pid ${forwarder.proc.pid})`);

  const masterKey = SecretBox.generateKey();
  const secretBox = new SecretBox(masterKey);
  const calls = await seedCallProject(db, secretBox, upstreamUrl);
  // The same two tools in a project of their own with rate limits on every level (generous:
  // nothing is refused), served by a gateway with REDIS_URL: every call runs the three
  // sliding-window checks in Redis, and pub/sub is connected.
  const limited = await seedCallProject(db, secretBox, upstreamUrl, { orgId: calls.org.id, name: "bench calls limited" });
  await setRateLimits(db, limited.project.id, GENEROUS);
  const redisPrefix = `bench:${process.pid}:${Date.now().toString(36)}:`;
  const redis = createRedisClient(REDIS_URL, { connectionName: "tengine-bench" });
  cleanups.push(async () => {
    const keys = await redis.keys(`${redisPrefix}*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys).catch(() => {});
    redis.disconnect();
  });
  await redis.connect().catch(() => {});
  if ((await redis.ping().catch((error: unknown) => String(error))) !== "PONG") throw new Error(`Redis at ${REDIS_URL} does not answer (set BENCH_REDIS_URL): the rate-limited scenarios need it`);
  let t = performance.now();
  const list = await seedListProject(db, secretBox, calls.org.id, upstreamUrl, LIST_TOOL_COUNT);
  log(`seeded: project ${calls.project.slug} (2 tools), project ${list.project.slug} (${LIST_TOOL_COUNT} tools in ${Math.round(performance.now() - t)} ms)`);

  t = performance.now();
  const profileDir = path.join(ROOT, "bench/results", `profile-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  let gatewayDatabase = database.target;
  let pgCounter: Awaited<ReturnType<typeof startPgCounter>> | undefined;
  if (PROFILE) {
    mkdirSync(profileDir, { recursive: true });
    const dbUrl = new URL(database.target.url);
    pgCounter = await startPgCounter({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
    const counter = pgCounter;
    cleanups.push(() => counter.close());
    dbUrl.hostname = "127.0.0.1";
    dbUrl.port = String(pgCounter.port);
    gatewayDatabase = { ...database.target, url: dbUrl.toString() };
    log(`profile mode: gateway CPU profile into ${path.relative(ROOT, profileDir)}, its Postgres connections counted through 127.0.0.1:${pgCounter.port}`);
  }
  const { child: gateway, url: gatewayUrl, metricsUrl: gatewayMetricsUrl } = await startGatewayChild(
    ROOT,
    gatewayDatabase,
    masterKey,
    { ALLOW_PRIVATE_UPSTREAMS: "true" },
    PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  );
  log(`gateway on ${gatewayUrl} (pid ${gateway.proc.pid}, healthy after ${Math.round(performance.now() - t)} ms)`);
  t = performance.now();
  const { child: limitsGateway, url: limitsGatewayUrl, metricsUrl: limitsMetricsUrl } = await startGatewayChild(ROOT, database.target, masterKey, { ALLOW_PRIVATE_UPSTREAMS: "true", REDIS_URL, REDIS_KEY_PREFIX: redisPrefix });
  log(`gateway with Redis rate limits + pub/sub on ${limitsGatewayUrl} (pid ${limitsGateway.proc.pid}, healthy after ${Math.round(performance.now() - t)} ms)`);
  const cpuOf = { gateway: gateway.proc.pid, upstream: upstream.proc.pid, postgres: "postgres" as const };
  const cpuOfLimits = { gateway: limitsGateway.proc.pid, upstream: upstream.proc.pid, postgres: "postgres" as const };
  // For the forwarder rows, "gateway" is the forwarder process: the one between client and upstream.
  const cpuOfForwarder = { gateway: forwarder.proc.pid, upstream: upstream.proc.pid };
  const limitedMcpUrl = `${limitsGatewayUrl}/p/${limited.project.slug}/mcp`;

  const callMcpUrl = `${gatewayUrl}/p/${calls.project.slug}/mcp`;
  const listMcpUrl = `${gatewayUrl}/p/${list.project.slug}/mcp`;
  const runTag = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  const unique = () => `${runTag}-${++counter}`;
  const NOTE = "Customer asked to be called back next week about the renewal.";
  const readArgs = { q: "itm_0001", limit: 10 };

  // ------------------------------------------------------------ verify before measuring
  let gatewayCallsSent = 0;
  let limitedCallsSent = 0;
  for (const [name, args] of [
    [READ_TOOL, readArgs],
    [WRITE_TOOL, { n: unique(), note: NOTE, amount: 42 }],
  ] as const) {
    const resLimited = await post(limitedMcpUrl, mcpHeaders(limited.key), rpc("tools/call", { name, arguments: name === WRITE_TOOL ? { n: unique(), note: NOTE, amount: 42 } : args }));
    limitedCallsSent++;
    if (resLimited.status !== 200 || !resLimited.json?.result || resLimited.json.result.isError) {
      throw new Error(`verification: tools/call ${name} through the rate-limited gateway did not succeed (HTTP ${resLimited.status}): ${resLimited.text.slice(0, 1000)}\n--- gateway output ---\n${limitsGateway.output()}`);
    }
    const res = await post(callMcpUrl, mcpHeaders(calls.key), rpc("tools/call", { name, arguments: args }));
    gatewayCallsSent++;
    if (res.status !== 200 || !res.json?.result || res.json.result.isError) {
      throw new Error(`verification: tools/call ${name} did not succeed (HTTP ${res.status}): ${res.text.slice(0, 1000)}\n--- gateway output ---\n${gateway.output()}`);
    }
    log(`verified tools/call ${name}: HTTP 200, ${res.bytes} bytes, ${fmt.ms(res.ms)} ms (first call)`);
  }
  for (const [name, args] of [
    [READ_TOOL, readArgs],
    [WRITE_TOOL, { n: unique(), note: NOTE, amount: 42 }],
  ] as const) {
    const res = await post(forwarderUrl, mcpHeaders(calls.key), rpc("tools/call", { name, arguments: args }));
    if (res.status !== 200 || !res.json?.result || res.json.result.isError || !String(res.json.result.content?.[0]?.text).includes('"ok":true')) {
      throw new Error(`verification: the bare forwarder's tools/call ${name} did not succeed (HTTP ${res.status}): ${res.text.slice(0, 1000)}\n--- forwarder output ---\n${forwarder.output()}`);
    }
  }
  const stats0 = await upstreamStats(upstreamUrl);
  const limitKeys = await redis.keys(`${redisPrefix}rl:*`);
  if (limitKeys.length < 3) throw new Error(`verification: the rate-limited gateway left ${limitKeys.length} limit keys in Redis under ${redisPrefix}rl: (expected the project, principal and tool windows)`);
  log(`verified rate limits in Redis: ${limitKeys.length} sliding-window keys under ${redisPrefix}rl:`);
  if (stats0.signed < 1) throw new Error(`verification: the upstream received no signed request from ${WRITE_TOOL} (${JSON.stringify(stats0)})`);

  // ------------------------------------------------------------ tools/call: direct vs gateway
  const scenarios: Scenario[] = [
    {
      id: "direct_get",
      label: "upstream direct GET /echo",
      kind: "direct",
      url: `${upstreamUrl}/echo?q=${readArgs.q}&limit=${readArgs.limit}`,
      method: "GET",
      headers: {},
      verifyBody: (b) => b.includes('"ok":true'),
    },
    {
      id: "gateway_read",
      forwarder: {
        id: "forwarder_read",
        label: `bare forwarder tools/call ${READ_TOOL} (GET)`,
        kind: "forwarder",
        baseline: "direct_get",
        url: forwarderUrl,
        method: "POST",
        headers: mcpHeaders(calls.key),
        body: rpc("tools/call", { name: READ_TOOL, arguments: readArgs }),
        verifyBody: isToolSuccess,
      },
      label: `gateway tools/call ${READ_TOOL} (GET, read-only)`,
      kind: "gateway",
      baseline: "direct_get",
      url: callMcpUrl,
      method: "POST",
      headers: mcpHeaders(calls.key),
      body: rpc("tools/call", { name: READ_TOOL, arguments: readArgs }),
      verifyBody: isToolSuccess,
    },
    {
      id: "gateway_read_modern",
      label: `gateway tools/call ${READ_TOOL} (GET, read-only), MCP ${MODERN_PROTOCOL_VERSION}`,
      kind: "gateway",
      baseline: "direct_get",
      url: callMcpUrl,
      method: "POST",
      headers: modernHeaders(calls.key, READ_TOOL),
      body: modernCall(READ_TOOL, readArgs),
      verifyBody: isToolSuccess,
    },
    {
      id: "gateway_read_limits",
      label: `  + rate limits (Redis) + pub/sub: ${READ_TOOL}`,
      kind: "gateway",
      baseline: "direct_get",
      core: "gateway_read",
      gateway: "limits",
      url: limitedMcpUrl,
      method: "POST",
      headers: mcpHeaders(limited.key),
      body: rpc("tools/call", { name: READ_TOOL, arguments: readArgs }),
      verifyBody: isToolSuccess,
    },
    {
      id: "direct_post",
      label: "upstream direct POST /echo",
      kind: "direct",
      url: `${upstreamUrl}/echo`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: () => JSON.stringify({ n: unique(), note: NOTE, amount: 42 }),
      verifyBody: (b) => b.includes('"ok":true'),
    },
    {
      id: "gateway_write",
      forwarder: {
        id: "forwarder_write",
        label: `bare forwarder tools/call ${WRITE_TOOL} (POST)`,
        kind: "forwarder",
        baseline: "direct_post",
        url: forwarderUrl,
        method: "POST",
        headers: mcpHeaders(calls.key),
        body: () => rpc("tools/call", { name: WRITE_TOOL, arguments: { n: unique(), note: NOTE, amount: 42 } }),
        verifyBody: isToolSuccess,
      },
      label: `gateway tools/call ${WRITE_TOOL} (POST, hmac, idempotency)`,
      kind: "gateway",
      baseline: "direct_post",
      url: callMcpUrl,
      method: "POST",
      headers: mcpHeaders(calls.key),
      body: () => rpc("tools/call", { name: WRITE_TOOL, arguments: { n: unique(), note: NOTE, amount: 42 } }),
      verifyBody: isToolSuccess,
    },
    {
      id: "gateway_write_modern",
      label: `gateway tools/call ${WRITE_TOOL} (POST, hmac, idempotency), MCP ${MODERN_PROTOCOL_VERSION}`,
      kind: "gateway",
      baseline: "direct_post",
      url: callMcpUrl,
      method: "POST",
      headers: modernHeaders(calls.key, WRITE_TOOL),
      body: () => modernCall(WRITE_TOOL, { n: unique(), note: NOTE, amount: 42 }),
      verifyBody: isToolSuccess,
    },
    {
      id: "gateway_write_limits",
      label: `  + rate limits (Redis) + pub/sub: ${WRITE_TOOL}`,
      kind: "gateway",
      baseline: "direct_post",
      core: "gateway_write",
      gateway: "limits",
      url: limitedMcpUrl,
      method: "POST",
      headers: mcpHeaders(limited.key),
      body: () => rpc("tools/call", { name: WRITE_TOOL, arguments: { n: unique(), note: NOTE, amount: 42 } }),
      verifyBody: isToolSuccess,
    },
  ];

  if (ONLY) {
    const unknown = [...ONLY].filter((id) => id !== "tools_list" && !scenarios.some((s) => s.id === id));
    if (unknown.length) settingError(`BENCH_ONLY names unknown scenarios: ${unknown.join(", ")} (known: ${scenarios.filter((s) => s.kind !== "direct").map((s) => s.id).join(", ")}, tools_list)`);
  }
  const measuredScenarios = scenarios.filter((s) => s.kind === "direct" || !ONLY || ONLY.has(s.id));
  // The commit floor, measured before the load (nothing else of the benchmark running).
  const commit = await measureDurableCommit(database.target, Math.min(DURATION_SEC, 5));
  log(`Postgres durable commit, one connection: p50 ${fmt.ms(commit.p50Ms)} ms, p99 ${fmt.ms(commit.p99Ms)} ms (${fmt.int(commit.commits)} commits)`);
  const rows: Row[] = [];
  /** When each measured gateway run started and ended (monotonic µs): the profile is cut by these. */
  const profileWindows: ProfileWindow[] = [];
  let inFlightBound = 0;
  let limitedInFlightBound = 0;
  const gatewayResponses: Record<string, number> = { [READ_TOOL]: 1, [WRITE_TOOL]: 1 };
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  for (const connections of CALL_CONCURRENCY) {
    for (const s of measuredScenarios) {
      const specOf = (sc: Scenario) => ({
        url: sc.url,
        method: sc.method,
        headers: sc.headers,
        body: sc.body,
        connections,
        verifyBody: sc.verifyBody,
        cpuOf: sc.kind === "forwarder" ? cpuOfForwarder : sc.gateway === "limits" ? cpuOfLimits : cpuOf,
      });
      // A gateway scenario with a forwarder pair is measured A/B/A/B: gateway, forwarder,
      // gateway, forwarder… so both see the same machine conditions; the median is reported.
      const pair = s.forwarder;
      const spec = specOf(s);
      log(`${s.label} @ ${connections}: warm-up ${WARMUP_SEC} s…`);
      const warm = await runLoad({ ...spec, durationSec: WARMUP_SEC });
      ensureAlive(gateway, limitsGateway, upstream, forwarder);
      let pairWarm: LoadResult | undefined;
      if (pair) {
        log(`${pair.label} @ ${connections}: warm-up ${WARMUP_SEC} s…`);
        pairWarm = await runLoad({ ...specOf(pair), durationSec: WARMUP_SEC });
        ensureAlive(forwarder, upstream);
      }
      const rounds: LoadResult[] = [];
      const pairRounds: LoadResult[] = [];
      for (let round = 1; round <= (pair ? ROUNDS : 1); round++) {
        const tag = pair ? ` round ${round}/${ROUNDS}` : "";
        log(`${s.label} @ ${connections}${tag}: measuring ${DURATION_SEC} s…`);
        const pgBefore = pgCounter?.snapshot();
        const startUs = monotonicUs();
        const one = await runLoad({ ...spec, durationSec: DURATION_SEC });
        const endUs = monotonicUs();
        if (s.kind === "gateway" && s.gateway !== "limits") {
          profileWindows.push({ scenario: s.id, connections, round, startUs, endUs, responses: one.responses, ...(pgCounter && pgBefore ? { pg: pgDelta(pgBefore, pgCounter.snapshot()) } : {}) });
        }
        ensureAlive(gateway, limitsGateway, upstream, forwarder);
        rounds.push(one);
        log(`  ${fmt.int(one.callsPerSec)} calls/s, p50 ${fmt.ms(one.latencyMs.p50)} ms, p99 ${fmt.ms(one.latencyMs.p99)} ms, errors ${one.errors.total}`);
        if (pair) {
          log(`${pair.label} @ ${connections}${tag}: measuring ${DURATION_SEC} s…`);
          const other = await runLoad({ ...specOf(pair), durationSec: DURATION_SEC });
          ensureAlive(forwarder, upstream);
          pairRounds.push(other);
          log(`  ${fmt.int(other.callsPerSec)} calls/s, p50 ${fmt.ms(other.latencyMs.p50)} ms, p99 ${fmt.ms(other.latencyMs.p99)} ms, errors ${other.errors.total}`);
        }
      }
      const answered = warm.responses + rounds.reduce((n, r) => n + r.responses, 0);
      if (s.gateway === "limits") {
        limitedCallsSent += answered;
        limitedInFlightBound += (1 + rounds.length) * connections;
      } else if (s.kind === "gateway") {
        const tool = s.id.startsWith("gateway_read") ? READ_TOOL : WRITE_TOOL;
        gatewayResponses[tool] = (gatewayResponses[tool] ?? 0) + answered;
        gatewayCallsSent += answered;
        inFlightBound += (1 + rounds.length) * connections;
      }
      const measured: [Scenario, LoadResult, LoadResult[]][] = [[s, warm, rounds]];
      if (pair) measured.push([pair, pairWarm!, pairRounds]);
      for (const [sc, warmRun, runs] of measured) {
        const result = runs.length === 1 ? runs[0]! : medianOfRounds(runs);
        const flagged = warmRun.errors.total > 0 || runs.some((r) => r.errors.total > 0);
        const row: Row = { scenario: sc.id, label: sc.label, kind: sc.kind, baseline: sc.baseline, core: sc.core, connections, result, ...(runs.length > 1 ? { rounds: runs } : {}), flagged };
        if (sc.baseline) {
          const base = rows.find((r) => r.scenario === sc.baseline && r.connections === connections)!.result;
          row.vsBaseline = {
            throughputRatio: base.callsPerSec / result.callsPerSec,
            p50Ratio: result.latencyMs.p50 / base.latencyMs.p50,
            p99Ratio: result.latencyMs.p99 / base.latencyMs.p99,
            p50PlusMs: result.latencyMs.p50 - base.latencyMs.p50,
            p99PlusMs: result.latencyMs.p99 - base.latencyMs.p99,
          };
        }
        rows.push(row);
      }
    }
  }

  // ------------------------------------------------------------ runs recorded?
  const runCheck = await checkRuns(db, calls.project.id, gatewayCallsSent, inFlightBound);
  // The gateway's own count of tools/call it completed (including calls still in flight when
  // a load run stopped): every one of them must have a run, exactly.
  const completedByTool = await gatewayToolCalls(gatewayMetricsUrl, calls.project.slug);
  for (const g of runCheck.byTool) {
    const completed = completedByTool[g.toolName] ?? 0;
    if (completed !== g.count) {
      runCheck.ok = false;
      runCheck.problem = [runCheck.problem, `${g.toolName}: ${g.count} runs but the gateway completed ${completed} calls (tengine_tool_calls_total)`].filter(Boolean).join("; ");
    }
  }
  const upstreamAfter = await upstreamStats(upstreamUrl);
  // The rate-limited project: the same accounting, against its own gateway's counter, and no
  // call may have been refused or run without its Redis check.
  const limitedRunCheck = await checkRuns(db, limited.project.id, limitedCallsSent, limitedInFlightBound);
  const limitedCompleted = await gatewayToolCalls(limitsMetricsUrl, limited.project.slug);
  for (const g of limitedRunCheck.byTool) {
    if ((limitedCompleted[g.toolName] ?? 0) !== g.count) {
      limitedRunCheck.ok = false;
      limitedRunCheck.problem = [limitedRunCheck.problem, `${g.toolName}: ${g.count} runs but the gateway completed ${limitedCompleted[g.toolName] ?? 0} calls`].filter(Boolean).join("; ");
    }
  }
  const limitsMetrics = await (await fetch(`${limitsMetricsUrl}/metrics`)).text();
  const limiterDown = sumMetric(limitsMetrics, "tengine_rate_limit_unavailable_total") + sumMetric(limitsMetrics, "tengine_rate_limited_total");
  if (limiterDown > 0) {
    limitedRunCheck.ok = false;
    limitedRunCheck.problem = [limitedRunCheck.problem, `${limiterDown} calls were refused or not checked by the rate limiter`].filter(Boolean).join("; ");
  }

  // ------------------------------------------------------------ tools/list, 1,000 tools
  const listHeaders = mcpHeaders(list.key);
  const listBody = rpc("tools/list");
  const first = await post(listMcpUrl, listHeaders, listBody);
  const listedCount: number = first.json?.result?.tools?.length ?? -1;
  if (first.status !== 200 || listedCount < LIST_TOOL_COUNT) {
    throw new Error(`verification: tools/list answered HTTP ${first.status} with ${listedCount} tools (expected ≥ ${LIST_TOOL_COUNT}): ${first.text.slice(0, 500)}`);
  }
  const warmSingle = await post(listMcpUrl, listHeaders, listBody);
  const coldLoads: number[] = [];
  for (let i = 0; i < COLD_LOADS; i++) {
    // A config change makes the next call reload the project's tools (the cold path).
    await db.project.update({ where: { id: list.project.id }, data: { configVersion: { increment: 1 } } });
    coldLoads.push((await post(listMcpUrl, listHeaders, listBody)).ms);
  }
  const smallList = await post(callMcpUrl, mcpHeaders(calls.key), listBody);
  log(`tools/list: ${listedCount} tools, ${fmt.kb(first.bytes)}, first call ${fmt.ms(first.ms)} ms, cold reload median ${fmt.ms(median(coldLoads))} ms`);
  // Read after the tools/list part: by now the gateways' Postgres backends, idle since the
  // last tools/call, have reported their counters.
  const scans = await callPathScans(db, database.target.schema!, gatewayCallsSent + limitedCallsSent);
  const scanIssues = scanProblems(scans);

  const listRows: { label: string; connections: number; result: LoadResult; bytes: number; flagged: boolean }[] = [];
  // With BENCH_ONLY and no tools_list, only the single calls above (a second or so), no load.
  for (const connections of !ONLY || ONLY.has("tools_list") ? LIST_CONCURRENCY : []) {
    for (const variant of [
      { label: `tools/list, ${LIST_TOOL_COUNT} tools`, url: listMcpUrl, headers: listHeaders, bytes: first.bytes, min: LIST_TOOL_COUNT },
      { label: "tools/list, 2 tools (reference)", url: callMcpUrl, headers: mcpHeaders(calls.key), bytes: smallList.bytes, min: 2 },
    ]) {
      const spec = { url: variant.url, method: "POST" as const, headers: variant.headers, body: listBody, connections, verifyBody: (b: string) => b.includes('"tools"'), cpuOf };
      log(`${variant.label} @ ${connections}: warm-up ${WARMUP_SEC} s, measuring ${DURATION_SEC} s…`);
      const warm = await runLoad({ ...spec, durationSec: WARMUP_SEC });
      const result = await runLoad({ ...spec, durationSec: DURATION_SEC });
      ensureAlive(gateway, upstream);
      listRows.push({ label: variant.label, connections, result, bytes: variant.bytes, flagged: result.errors.total > 0 || warm.errors.total > 0 });
      log(`  ${fmt.int(result.callsPerSec)} calls/s, p50 ${fmt.ms(result.latencyMs.p50)} ms, p99 ${fmt.ms(result.latencyMs.p99)} ms, errors ${result.errors.total}`);
    }
  }

  // ------------------------------------------------------------ profile (BENCH_PROFILE=1)
  const profileOut: string[] = [];
  if (PROFILE) profileOut.push(...(await summariseGatewayProfile(gateway, profileDir, profileWindows)));

  // ------------------------------------------------------------ report
  const out: string[] = [];
  out.push("");
  out.push(`tengine gateway benchmark — ${startedAt.toISOString()} — Node ${process.version}, ${os.cpus().length} CPUs, commit ${gitCommit()}`);
  out.push(`${DURATION_SEC} s per measured run after a ${WARMUP_SEC} s warm-up; load generator (autocannon), gateway and upstream in separate processes; Postgres local.`);
  const loadAfter = os.loadavg();
  out.push(`1-min load average before: ${loadBefore[0]!.toFixed(2)}, after: ${loadAfter[0]!.toFixed(2)} (includes this benchmark's own processes${loadBefore[0]! > os.cpus().length * 0.5 ? "; the machine was busy before the start: numbers are noisy" : ""})`);
  out.push("");
  out.push(`tools/call — the same upstream called directly (baseline), through the bare forwarder and through the gateway (gateway and forwarder alternated, ${ROUNDS} rounds each: median)`);
  out.push(
    table(
      ["scenario", "conc", "calls/s", "p50 ms", "p99 ms", "errors", "direct/gw calls/s", "p50 ×", "p99 ×", "+p50 ms", "+p99 ms", "CPU/call", "cores"],
      rows.map((r) => [
        `${r.flagged ? "! " : ""}${r.label}`,
        r.connections,
        fmt.int(r.result.callsPerSec),
        fmt.ms(r.result.latencyMs.p50),
        fmt.ms(r.result.latencyMs.p99),
        r.result.errors.total,
        r.vsBaseline ? fmt.ratio(r.vsBaseline.throughputRatio) : "baseline",
        r.vsBaseline ? fmt.ratio(r.vsBaseline.p50Ratio) : "",
        r.vsBaseline ? fmt.ratio(r.vsBaseline.p99Ratio) : "",
        r.vsBaseline ? fmt.plusMs(r.vsBaseline.p50PlusMs) : "",
        r.vsBaseline ? fmt.plusMs(r.vsBaseline.p99PlusMs) : "",
        r.kind !== "direct" ? fmt.cpu(r.result.cpuMsPerCall.gateway) : "",
        r.kind !== "direct" ? fmt.cores(r.result.cpuCores.gateway) : "",
      ]),
    ),
  );
  out.push("  direct/gw calls/s = how many times fewer calls per second than the direct baseline; p50 × / p99 × = latency ÷ direct latency;");
  out.push("  +p50/+p99 ms = latency added over the direct call; CPU/call = CPU time per call of the process in the middle (gateway or forwarder);");
  out.push("  cores = share of one core that process used during the run (well below 1: it was waiting — on Postgres, or for a busy CPU). '!' = the run (or its warm-up) had errors.");
  out.push("");
  out.push("gateway ÷ bare forwarder — the headline ratios (same run, alternated A/B/A/B, median of the rounds)");
  const ratioRows = forwarderRatios(rows);
  out.push(
    table(
      ["tools/call", "conc", "fwd calls/s", "gw calls/s", "gw ÷ fwd", "fwd p50", "gw p50", "+p50 ms", "fwd p99", "gw p99", "p99 ×", "fwd CPU/call", "gw CPU/call", "gw CPU in kernel", "pg CPU/call", "load gen CPU/call (fwd / gw)", "gw calls/s by round"],
      ratioRows.map((r) => [
        `${r.flagged ? "! " : ""}${r.op}`,
        r.connections,
        fmt.int(r.fwd.callsPerSec),
        fmt.int(r.gw.callsPerSec),
        fmt.pct(r.throughputShare),
        fmt.ms(r.fwd.latencyMs.p50),
        fmt.ms(r.gw.latencyMs.p50),
        fmt.plusMs(r.p50PlusMs),
        fmt.ms(r.fwd.latencyMs.p99),
        fmt.ms(r.gw.latencyMs.p99),
        fmt.ratio(r.p99Ratio),
        fmt.cpu(r.fwd.cpuMsPerCall.gateway),
        fmt.cpu(r.gw.cpuMsPerCall.gateway),
        fmt.pct(r.gw.cpuSystemShare?.gateway ?? NaN),
        fmt.cpu(r.gw.cpuMsPerCall.postgres ?? null),
        `${fmt.cpu(r.fwd.cpuMsPerCall.bench ?? null)} / ${fmt.cpu(r.gw.cpuMsPerCall.bench ?? null)}`,
        r.gwRounds.map((x) => fmt.int(x.callsPerSec)).join(" / "),
      ]),
    ),
  );
  out.push("  gw ÷ fwd = gateway calls/s as a share of the forwarder's; +p50 ms = gateway p50 − forwarder p50; p99 × = gateway p99 ÷ forwarder p99;");
  out.push("  gw CPU in kernel = share of the gateway's CPU spent in system time (socket syscalls; on loopback the kernel's TCP work for the receiver is in it too).");
  out.push("  pg CPU/call = CPU of every process of the local Postgres server per gateway call; load gen = this process (autocannon). On 2 cores all of them share the machine.");
  out.push("  Issue 13's targets (quiet machine): reads ≥ 40 % and writes ≥ 30 % at 64 connections; +p50 ≤ 0.5 ms at 1; p99 × ≤ 3 at 64.");
  out.push(`  Postgres durable commit on this machine, one connection (INSERT of one row, back to back): p50 ${fmt.ms(commit.p50Ms)} ms, p99 ${fmt.ms(commit.p99Ms)} ms.`);
  out.push("  At one connection a call's reply waits for its run's commit (the forwarder's for none): that p50 is part of the gateway's +p50.");
  out.push("");
  out.push(`tools/call by protocol era — the same gateway and tools, ${PROTOCOL_VERSION} (no initialize, stateless) beside ${MODERN_PROTOCOL_VERSION} (Mcp-Method/Mcp-Name headers checked, _meta, resultType)`);
  out.push(
    table(
      ["tools/call", "conc", `${PROTOCOL_VERSION} calls/s`, `${MODERN_PROTOCOL_VERSION} calls/s`, "ratio", `${PROTOCOL_VERSION} p50`, `${MODERN_PROTOCOL_VERSION} p50`, `${PROTOCOL_VERSION} p99`, `${MODERN_PROTOCOL_VERSION} p99`, `${PROTOCOL_VERSION} CPU/call`, `${MODERN_PROTOCOL_VERSION} CPU/call`],
      rows
        .filter((r) => r.scenario.endsWith("_modern") && rows.some((l) => l.scenario === r.scenario.replace(/_modern$/, "") && l.connections === r.connections))
        .map((m) => {
          const l = rows.find((r) => r.scenario === m.scenario.replace(/_modern$/, "") && r.connections === m.connections)!;
          return [`${m.flagged || l.flagged ? "! " : ""}${m.scenario.startsWith("gateway_read") ? READ_TOOL : WRITE_TOOL}`, m.connections, fmt.int(l.result.callsPerSec), fmt.int(m.result.callsPerSec), fmt.ratio(m.result.callsPerSec / l.result.callsPerSec), fmt.ms(l.result.latencyMs.p50), fmt.ms(m.result.latencyMs.p50), fmt.ms(l.result.latencyMs.p99), fmt.ms(m.result.latencyMs.p99), fmt.cpu(l.result.cpuMsPerCall.gateway), fmt.cpu(m.result.cpuMsPerCall.gateway)];
        }),
    ),
  );
  out.push(`  ratio = ${MODERN_PROTOCOL_VERSION} calls/s ÷ ${PROTOCOL_VERSION} calls/s (the ${PROTOCOL_VERSION} row is the median of its alternated rounds, the ${MODERN_PROTOCOL_VERSION} row one run).`);
  out.push("");
  out.push("tools/call with rate limiting (Redis, 3 sliding windows per call) and pub/sub on, beside the execution core (same scenarios)");
  const limitRows = rows.filter((r) => r.core && rows.some((c) => c.scenario === r.core && c.connections === r.connections));
  out.push(
    table(
      ["scenario", "conc", "core calls/s", "+limits calls/s", "calls/s ratio", "core p50", "+limits p50", "core p99", "+limits p99", "+p50 ms", "core CPU/call", "+limits CPU/call"],
      limitRows.map((r) => {
        const core = rows.find((c) => c.scenario === r.core && c.connections === r.connections)!;
        return [
          `${r.flagged ? "! " : ""}${r.scenario === "gateway_read_limits" ? READ_TOOL : WRITE_TOOL}`,
          r.connections,
          fmt.int(core.result.callsPerSec),
          fmt.int(r.result.callsPerSec),
          fmt.ratio(r.result.callsPerSec / core.result.callsPerSec),
          fmt.ms(core.result.latencyMs.p50),
          fmt.ms(r.result.latencyMs.p50),
          fmt.ms(core.result.latencyMs.p99),
          fmt.ms(r.result.latencyMs.p99),
          fmt.plusMs(r.result.latencyMs.p50 - core.result.latencyMs.p50),
          fmt.cpu(core.result.cpuMsPerCall.gateway),
          fmt.cpu(r.result.cpuMsPerCall.gateway),
        ];
      }),
    ),
  );
  out.push("  calls/s ratio = with limits ÷ execution core (1.00× = no cost); +p50 ms = latency the rate-limit checks add at the median.");
  out.push(
    `  runs recorded for the rate-limited project: ${fmt.int(limitedRunCheck.total)} (calls answered: ${fmt.int(limitedCallsSent)}) — ${limitedRunCheck.ok ? "OK: none refused, none unchecked" : `MISMATCH: ${limitedRunCheck.problem}`}`,
  );
  out.push("");
  out.push(
    `runs recorded for the tools/call project: ${fmt.int(runCheck.total)} (gateway calls answered: ${fmt.int(gatewayCallsSent)}, incl. warm-ups and checks; ` +
      `up to ${inFlightBound} more may have been in flight when a run stopped) — ${runCheck.ok ? "OK" : `MISMATCH: ${runCheck.problem}`}`,
  );
  out.push(`  gateway's tools/call counter (tengine_tool_calls_total): ${Object.entries(completedByTool).map(([tool, n]) => `${tool} ${fmt.int(n)}`).join(", ")} — equal to the runs per tool: ${runCheck.byTool.every((g) => completedByTool[g.toolName] === g.count) ? "yes" : "NO"}`);
  out.push(`  by tool and status: ${runCheck.groups.map((g) => `${g.toolName} ${g.status} ${fmt.int(g.count)}`).join(", ")}`);
  out.push(
    `upstream received: GET ${fmt.int(upstreamAfter.GET)}, POST ${fmt.int(upstreamAfter.POST)}, signed ${fmt.int(upstreamAfter.signed)} ` +
      `(gateway ${WRITE_TOOL} calls answered: ${fmt.int(gatewayResponses[WRITE_TOOL] ?? 0)} — each unique, so none deduplicated)`,
  );
  out.push(
    `sequential scans of the call path's tables (Postgres's counters, all ${fmt.int(gatewayCallsSent + limitedCallsSent)} calls): ` +
      `${scans.map((t) => `${t.table} ${fmt.int(t.rowsRead)} rows in ${fmt.int(t.scans)} scans`).join(", ")} — ${scanIssues.length ? "TOO MANY" : `OK (≤ ${SCAN_ROWS_PER_CALL_LIMIT} rows per call)`}`,
  );
  out.push("");
  out.push(`tools/list — project with ${LIST_TOOL_COUNT} tools (${listedCount} listed incl. built-ins), response ${fmt.kb(first.bytes)}`);
  out.push(`  first call (cold: key + ${LIST_TOOL_COUNT} tools loaded): ${fmt.ms(first.ms)} ms; next call (warm): ${fmt.ms(warmSingle.ms)} ms; cold reload after a config change, median of ${COLD_LOADS}: ${fmt.ms(median(coldLoads))} ms (${coldLoads.map(fmt.ms).join(", ")})`);
  out.push(
    table(
      ["scenario", "conc", "calls/s", "p50 ms", "p99 ms", "errors", "response", "gw CPU/call", "gw cores", "MB/s out"],
      listRows.map((r) => [
        `${r.flagged ? "! " : ""}${r.label}`,
        r.connections,
        fmt.int(r.result.callsPerSec),
        fmt.ms(r.result.latencyMs.p50),
        fmt.ms(r.result.latencyMs.p99),
        r.result.errors.total,
        fmt.kb(r.bytes),
        fmt.cpu(r.result.cpuMsPerCall.gateway),
        fmt.cores(r.result.cpuCores.gateway),
        ((r.result.callsPerSec * r.bytes) / 1024 / 1024).toFixed(1),
      ]),
    ),
  );
  if (profileOut.length) out.push("", ...profileOut);
  const flagged = [...rows.filter((r) => r.flagged).map((r) => `${r.label} @ ${r.connections}`), ...listRows.filter((r) => r.flagged).map((r) => `${r.label} @ ${r.connections}`)];
  out.push("");
  if (flagged.length) out.push(`FLAGGED (errors during the run): ${flagged.join("; ")}`);
  if (!runCheck.ok) out.push(`FLAGGED (runs): ${runCheck.problem}`);
  if (!limitedRunCheck.ok) out.push(`FLAGGED (rate-limited runs): ${limitedRunCheck.problem}`);
  for (const problem of scanIssues) out.push(`FLAGGED (a plan scans a call-path table): ${problem}`);
  if (!flagged.length && runCheck.ok && limitedRunCheck.ok) out.push("all runs completed without errors; every gateway call was recorded as a run.");
  process.stdout.write(`${out.join("\n")}\n`);

  const resultsDir = path.join(ROOT, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, platform: `${os.platform()} ${os.release()}` },
    commit: gitCommit(),
    settings: { durationSec: DURATION_SEC, warmupSec: WARMUP_SEC, callConcurrency: CALL_CONCURRENCY, listConcurrency: LIST_CONCURRENCY, listToolCount: LIST_TOOL_COUNT, protocolVersion: PROTOCOL_VERSION },
    toolsCall: rows,
    durableCommit: commit,
    gatewayVsForwarder: forwarderRatios(rows).map((r) => ({ op: r.op, connections: r.connections, throughputShare: r.throughputShare, p50PlusMs: r.p50PlusMs, p99Ratio: r.p99Ratio, gatewayCpuMsPerCall: r.gw.cpuMsPerCall.gateway, forwarderCpuMsPerCall: r.fwd.cpuMsPerCall.gateway })),
    rateLimited: { redisUrl: REDIS_URL.replace(/\/\/[^@]*@/, "//"), limits: GENEROUS, runsRecorded: { ...limitedRunCheck, gatewayCallsAnswered: limitedCallsSent, inFlightBound: limitedInFlightBound, gatewayCompletedByTool: limitedCompleted } },
    runsRecorded: { ...runCheck, gatewayCallsAnswered: gatewayCallsSent, inFlightBound, answeredByTool: gatewayResponses, gatewayCompletedByTool: completedByTool },
    upstream: upstreamAfter,
    toolsList: {
      toolCount: LIST_TOOL_COUNT,
      listedCount,
      responseBytes: first.bytes,
      firstCallMs: first.ms,
      warmSingleCallMs: warmSingle.ms,
      coldReloadMs: coldLoads,
      coldReloadMedianMs: median(coldLoads),
      runs: listRows,
    },
    callPathScans: scans,
    flagged: [...flagged, ...(runCheck.ok ? [] : [`runs: ${runCheck.problem}`]), ...(limitedRunCheck.ok ? [] : [`rate-limited runs: ${limitedRunCheck.problem}`]), ...scanIssues.map((p) => `scans: ${p}`)],
  };
  writeFileSync(path.join(resultsDir, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote bench/results/latest.json`);
  return json.flagged.length === 0;
}

// ---------------------------------------------------------------- helpers
/**
 * Stops the profiled gateway (its profile is written when it exits), then summarises the
 * samples of each measured tools/call run, with the Postgres round trips per call.
 */
async function summariseGatewayProfile(gateway: Child, profileDir: string, windows: ProfileWindow[]) {
  log("profile mode: stopping the gateway so it writes its CPU profile…");
  await gateway.stop(120_000);
  const file = mainThreadProfile(profileDir);
  if (!file) throw new Error(`profile mode: the gateway wrote no .cpuprofile into ${profileDir}`);
  writeFileSync(
    path.join(profileDir, "windows.json"),
    `${JSON.stringify(windows.map((w) => ({ ...w, pg: w.pg && { ...w.pg, byStatement: Object.fromEntries(w.pg.byStatement) } })), null, 2)}\n`,
  );
  const out: string[] = [`gateway CPU profile (BENCH_PROFILE=1): ${path.relative(ROOT, file)} — profiler and Postgres proxy on: read the shares, not this run's calls/s`];
  for (const scenario of ["gateway_read", "gateway_write"]) {
    for (const connections of CALL_CONCURRENCY) {
      const ws = windows.filter((w) => w.scenario === scenario && w.connections === connections);
      if (!ws.length) continue;
      const calls = ws.reduce((n, w) => n + w.responses, 0);
      out.push("", `--- ${scenario} @ ${connections} connections (${ws.length} measured runs, ${fmt.int(calls)} calls)`);
      const pg = ws.map((w) => w.pg).filter((p): p is PgCounts => p !== undefined);
      if (pg.length) out.push(formatPgPerCall(pg, calls));
      out.push(formatSummary(summariseProfile(file, ws), calls, 15));
    }
  }
  return out;
}

/** The gateway ÷ forwarder rows: reads and writes at each concurrency. */
function forwarderRatios(rows: Row[]) {
  const out = [];
  for (const op of ["read", "write"] as const) {
    for (const gwRow of rows.filter((r) => r.scenario === `gateway_${op}`)) {
      const fwdRow = rows.find((r) => r.scenario === `forwarder_${op}` && r.connections === gwRow.connections);
      if (!fwdRow) continue;
      const gw = gwRow.result;
      const fwd = fwdRow.result;
      out.push({
        op: op === "read" ? `${READ_TOOL} (read)` : `${WRITE_TOOL} (write)`,
        connections: gwRow.connections,
        gw,
        fwd,
        gwRounds: gwRow.rounds ?? [gw],
        throughputShare: gw.callsPerSec / fwd.callsPerSec,
        p50PlusMs: gw.latencyMs.p50 - fwd.latencyMs.p50,
        p99Ratio: gw.latencyMs.p99 / fwd.latencyMs.p99,
        flagged: gwRow.flagged || fwdRow.flagged,
      });
    }
  }
  return out.sort((a, b) => a.op.localeCompare(b.op) || a.connections - b.connections);
}

async function upstreamStats(upstreamUrl: string): Promise<{ GET: number; POST: number; other: number; signed: number; bytesIn: number }> {
  const res = await fetch(`${upstreamUrl}/__stats`);
  return (await res.json()) as { GET: number; POST: number; other: number; signed: number; bytesIn: number };
}

/** Runs are recorded before the answer is sent; a few in flight at a run's stop may land late. */
async function checkRuns(db: Db, projectId: string, answered: number, inFlightBound: number) {
  let total = 0;
  for (let i = 0, last = -1; i < 20; i++) {
    total = await db.run.count({ where: { projectId } });
    if (total === last && total >= answered) break;
    last = total;
    await new Promise((r) => setTimeout(r, 250));
  }
  const grouped = await db.run.groupBy({ by: ["toolName", "status"], where: { projectId }, _count: { _all: true } });
  const groups = grouped.map((g) => ({ toolName: g.toolName, status: String(g.status), count: g._count._all })).sort((a, b) => a.toolName.localeCompare(b.toolName) || a.status.localeCompare(b.status));
  const notSucceeded = groups.filter((g) => g.status !== "succeeded").reduce((n, g) => n + g.count, 0);
  const byTool = [...new Set(groups.map((g) => g.toolName))].map((toolName) => ({ toolName, count: groups.filter((g) => g.toolName === toolName).reduce((n, g) => n + g.count, 0) }));
  let problem = "";
  if (total < answered) problem = `${answered - total} answered calls have no run`;
  else if (total > answered + inFlightBound) problem = `${total - answered} more runs than answered calls (more than the ${inFlightBound} that could have been in flight)`;
  else if (notSucceeded > 0) problem = `${notSucceeded} runs did not succeed`;
  return { total, groups, byTool, ok: problem === "", problem };
}

/** tools/call completed per tool for one project, from the gateway's Prometheus metrics. */
async function gatewayToolCalls(metricsUrl: string, projectSlug: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith("tengine_tool_calls_total{")) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.project !== projectSlug || !labels.tool) continue;
    counts[labels.tool] = (counts[labels.tool] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return counts;
}

/** Sum of every sample of one metric in a Prometheus text exposition. */
function sumMetric(text: string, name: string) {
  let total = 0;
  for (const line of text.split("\n")) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  return total;
}

function median(values: number[]) {
  return percentile(Float64Array.from(values).sort(), 0.5);
}

function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

function positiveNumber(name: string, fallback: number) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) settingError(`${name} must be a positive number (got "${raw}")`);
  return value;
}

function connectionList(name: string, fallback: number[]) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const values = raw.split(",").map((v) => Number(v.trim()));
  if (!values.length || values.some((v) => !Number.isInteger(v) || v <= 0)) settingError(`${name} must be whole numbers of connections separated by commas (got "${raw}")`);
  return values;
}

/** A bad setting ends the benchmark before anything starts, with the message and no stack. */
function settingError(message: string): never {
  process.stderr.write(`[bench] ${message}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- entry
let ok = false;
try {
  ok = await main();
} catch (error) {
  if (interrupted) await new Promise(() => {}); // the signal handler cleans up and exits
  process.stderr.write(`\n[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
if (process.exitCode !== 1 && !ok) {
  process.stderr.write(process.env.BENCH_ALLOW_ERRORS === "1" ? "[bench] some runs were flagged (BENCH_ALLOW_ERRORS=1: exit 0)\n" : "[bench] some runs were flagged: exit 1 (set BENCH_ALLOW_ERRORS=1 to exit 0)\n");
  if (process.env.BENCH_ALLOW_ERRORS !== "1") process.exitCode = 1;
}
process.exit(process.exitCode ?? 0);
