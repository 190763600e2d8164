// `npm run bench`: the same trivial upstream called directly and through the gateway
// (tools/call with an API key, every run recorded) at concurrency 1 and 64, and tools/list
// for a project with 1,000 tools. See bench/README.md for what is measured and how to read it.
//
// Processes: this one generates load (autocannon) and owns the database seeding; the upstream
// and the gateway each run in a child process, so the 2 cores are shared the way they would
// be in production-like use (plus Postgres, which runs outside).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRedisClient, SecretBox, setRateLimits } from "@tengine/core";
import type { Db } from "@tengine/db";
import { type Child, forkTs, firstMessage, freePort, spawnTs, startGatewayChild, stopAllChildren, waitForHttp200 } from "./lib/children.ts";
import { type LoadResult, percentile, runLoad } from "./lib/load.ts";
import { fmt, table } from "./lib/report.ts";
import { READ_TOOL, seedCallProject, seedListProject, WRITE_TOOL } from "./lib/seed.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DURATION_SEC = positiveNumber("BENCH_DURATION", 10);
const WARMUP_SEC = positiveNumber("BENCH_WARMUP", 2);
const LIST_TOOL_COUNT = positiveNumber("BENCH_LIST_TOOLS", 1000);
const CALL_CONCURRENCY = [1, 64];
const LIST_CONCURRENCY = [1, 8];
const COLD_LOADS = 5;
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
  kind: "direct" | "gateway";
  /** the direct scenario this one is compared with */
  baseline?: string;
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

type Row = {
  scenario: string;
  label: string;
  kind: "direct" | "gateway";
  baseline?: string;
  core?: string;
  connections: number;
  result: LoadResult;
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
  const { child: gateway, url: gatewayUrl, metricsUrl: gatewayMetricsUrl } = await startGatewayChild(ROOT, database.target, masterKey, { ALLOW_PRIVATE_UPSTREAMS: "true" });
  log(`gateway on ${gatewayUrl} (pid ${gateway.proc.pid}, healthy after ${Math.round(performance.now() - t)} ms)`);
  t = performance.now();
  const { child: limitsGateway, url: limitsGatewayUrl, metricsUrl: limitsMetricsUrl } = await startGatewayChild(ROOT, database.target, masterKey, { ALLOW_PRIVATE_UPSTREAMS: "true", REDIS_URL, REDIS_KEY_PREFIX: redisPrefix });
  log(`gateway with Redis rate limits + pub/sub on ${limitsGatewayUrl} (pid ${limitsGateway.proc.pid}, healthy after ${Math.round(performance.now() - t)} ms)`);
  const cpuOf = { gateway: gateway.proc.pid, upstream: upstream.proc.pid };
  const cpuOfLimits = { gateway: limitsGateway.proc.pid, upstream: upstream.proc.pid };
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

  const rows: Row[] = [];
  let inFlightBound = 0;
  let limitedInFlightBound = 0;
  const gatewayResponses: Record<string, number> = { [READ_TOOL]: 1, [WRITE_TOOL]: 1 };
  for (const connections of CALL_CONCURRENCY) {
    for (const s of scenarios) {
      const spec = { url: s.url, method: s.method, headers: s.headers, body: s.body, connections, verifyBody: s.verifyBody, cpuOf: s.gateway === "limits" ? cpuOfLimits : cpuOf };
      log(`${s.label} @ ${connections}: warm-up ${WARMUP_SEC} s…`);
      const warm = await runLoad({ ...spec, durationSec: WARMUP_SEC });
      ensureAlive(gateway, limitsGateway, upstream);
      log(`${s.label} @ ${connections}: measuring ${DURATION_SEC} s…`);
      const result = await runLoad({ ...spec, durationSec: DURATION_SEC });
      ensureAlive(gateway, limitsGateway, upstream);
      if (s.gateway === "limits") {
        limitedCallsSent += warm.responses + result.responses;
        limitedInFlightBound += 2 * connections;
      } else if (s.kind === "gateway") {
        const tool = s.id === "gateway_read" ? READ_TOOL : WRITE_TOOL;
        gatewayResponses[tool] = (gatewayResponses[tool] ?? 0) + warm.responses + result.responses;
        gatewayCallsSent += warm.responses + result.responses;
        inFlightBound += 2 * connections;
      }
      const row: Row = { scenario: s.id, label: s.label, kind: s.kind, baseline: s.baseline, core: s.core, connections, result, flagged: result.errors.total > 0 || warm.errors.total > 0 };
      if (s.baseline) {
        const base = rows.find((r) => r.scenario === s.baseline && r.connections === connections)!.result;
        row.vsBaseline = {
          throughputRatio: base.callsPerSec / result.callsPerSec,
          p50Ratio: result.latencyMs.p50 / base.latencyMs.p50,
          p99Ratio: result.latencyMs.p99 / base.latencyMs.p99,
          p50PlusMs: result.latencyMs.p50 - base.latencyMs.p50,
          p99PlusMs: result.latencyMs.p99 - base.latencyMs.p99,
        };
      }
      rows.push(row);
      log(`  ${fmt.int(result.callsPerSec)} calls/s, p50 ${fmt.ms(result.latencyMs.p50)} ms, p99 ${fmt.ms(result.latencyMs.p99)} ms, errors ${result.errors.total}`);
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

  const listRows: { label: string; connections: number; result: LoadResult; bytes: number; flagged: boolean }[] = [];
  for (const connections of LIST_CONCURRENCY) {
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

  // ------------------------------------------------------------ report
  const out: string[] = [];
  out.push("");
  out.push(`tengine gateway benchmark — ${startedAt.toISOString()} — Node ${process.version}, ${os.cpus().length} CPUs, commit ${gitCommit()}`);
  out.push(`${DURATION_SEC} s per measured run after a ${WARMUP_SEC} s warm-up; load generator (autocannon), gateway and upstream in separate processes; Postgres local.`);
  const loadAfter = os.loadavg();
  out.push(`1-min load average before: ${loadBefore[0]!.toFixed(2)}, after: ${loadAfter[0]!.toFixed(2)} (includes this benchmark's own processes${loadBefore[0]! > os.cpus().length * 0.5 ? "; the machine was busy before the start: numbers are noisy" : ""})`);
  out.push("");
  out.push("tools/call — the same upstream called directly (baseline) and through the gateway");
  out.push(
    table(
      ["scenario", "conc", "calls/s", "p50 ms", "p99 ms", "errors", "direct/gw calls/s", "p50 ×", "p99 ×", "+p50 ms", "+p99 ms", "gw CPU/call", "gw cores"],
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
        r.kind === "gateway" ? fmt.cpu(r.result.cpuMsPerCall.gateway) : "",
        r.kind === "gateway" ? fmt.cores(r.result.cpuCores.gateway) : "",
      ]),
    ),
  );
  out.push("  direct/gw calls/s = how many times fewer calls per second than the direct baseline; p50 × / p99 × = gateway latency ÷ direct latency;");
  out.push("  +p50/+p99 ms = latency the gateway adds; gw CPU/call = gateway process CPU time per call;");
  out.push("  gw cores = share of one core the gateway process used during the run (well below 1: it was waiting — on Postgres, or for a busy CPU). '!' = the run (or its warm-up) had errors.");
  out.push("");
  out.push("tools/call with rate limiting (Redis, 3 sliding windows per call) and pub/sub on, beside the execution core (same scenarios)");
  const limitRows = rows.filter((r) => r.core);
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
  const flagged = [...rows.filter((r) => r.flagged).map((r) => `${r.label} @ ${r.connections}`), ...listRows.filter((r) => r.flagged).map((r) => `${r.label} @ ${r.connections}`)];
  out.push("");
  if (flagged.length) out.push(`FLAGGED (errors during the run): ${flagged.join("; ")}`);
  if (!runCheck.ok) out.push(`FLAGGED (runs): ${runCheck.problem}`);
  if (!limitedRunCheck.ok) out.push(`FLAGGED (rate-limited runs): ${limitedRunCheck.problem}`);
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
    flagged: [...flagged, ...(runCheck.ok ? [] : [`runs: ${runCheck.problem}`]), ...(limitedRunCheck.ok ? [] : [`rate-limited runs: ${limitedRunCheck.problem}`])],
  };
  writeFileSync(path.join(resultsDir, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote bench/results/latest.json`);
  return json.flagged.length === 0;
}

// ---------------------------------------------------------------- helpers
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
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
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
