// `npm run bench:scale`: does a call cost the same in a big project and with a big runs table,
// and how much memory does one gateway process hold? See bench/README.md ("Scale and memory").
//
// 1. tools/call (read and write, 1 and 64 connections) in a project with 10 tools and in one
//    with 10,000 tools, alternated A/B/A/B;
// 2. the same calls on the 10-tool project before and after BENCH_RUNS_ROWS runs are inserted
//    into it (generate_series, then ANALYZE);
// 3. the gateway's resident memory: idle, under the 64-connection load, and after
//    BENCH_MEMORY_PROJECTS projects × BENCH_MEMORY_TOOLS tools were each listed once (their
//    runtimes cached);
// 4. a growth check: BENCH_SOAK_SEC of read+write load at 64 connections, RSS sampled.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createProject, SecretBox } from "@tengine/core";
import type { Db } from "@tengine/db";
import pg from "pg";
import { firstMessage, forkTs, startGatewayChild, stopAllChildren } from "./lib/children.ts";
import { type LoadResult, medianOfRounds, runLoad } from "./lib/load.ts";
import { fmt, table } from "./lib/report.ts";
import { READ_TOOL, seedCallProject, seedListProject, WRITE_TOOL } from "./lib/seed.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (message: string) => process.stderr.write(`[bench:scale] ${message}\n`);

function setting(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`[bench:scale] ${name} must be a whole number ≥ ${min} (got "${raw}")\n`);
    process.exit(2);
  }
  return value;
}
const DURATION_SEC = setting("BENCH_DURATION", 5, 1);
const WARMUP_SEC = setting("BENCH_WARMUP", 2, 1);
const ROUNDS = setting("BENCH_ROUNDS", 2, 1);
const SMALL_TOOLS = 10;
const LARGE_TOOLS = setting("BENCH_LARGE_TOOLS", 10_000, SMALL_TOOLS + 1);
/** runs inserted for the "big runs table" rows (the issue asks about 10,000,000; default what finishes in minutes here) */
const RUNS_ROWS = setting("BENCH_RUNS_ROWS", 1_000_000);
const MEMORY_PROJECTS = setting("BENCH_MEMORY_PROJECTS", 100);
const MEMORY_TOOLS = setting("BENCH_MEMORY_TOOLS", 1_000, 1);
const SOAK_SEC = setting("BENCH_SOAK_SEC", 120);
const SOAK_SAMPLE_SEC = setting("BENCH_SOAK_SAMPLE_SEC", 10, 1);
const TEMPLATE_TOOLS = Math.max(LARGE_TOOLS, MEMORY_TOOLS);
if (TEMPLATE_TOOLS > 10_000) {
  log("BENCH_LARGE_TOOLS and BENCH_MEMORY_TOOLS are at most 10000 (tool names are numbered with 4 digits)");
  process.exit(2);
}
const REDIS_URL = undefined; // the execution core only: no rate limits, in-process pub/sub

if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");

let cleaning: Promise<void> | undefined;
const cleanups: (() => Promise<void>)[] = [];
function cleanup() {
  cleaning ??= (async () => {
    await stopAllChildren().catch(() => {});
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Runs `load` while sampling the process's RSS every 250 ms; returns the load result and the peak. */
async function withRssPeak<T>(pid: number, load: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
  try {
    return { result: await load(), peakMb: Math.max(peak, rssMb(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Copies `count` tools of the template project into `projectId` in one statement (every column
 * as stored, a new id each), then bumps the project's config version as createTool does.
 */
async function copyTools(client: pg.Client, fromProjectId: string, projectIds: string[], count: number) {
  if (count <= 0) return;
  await client.query(
    `INSERT INTO "Tool"
     SELECT (jsonb_populate_record(NULL::"Tool", to_jsonb(t) || jsonb_build_object('id', 'tool_' || md5(p.id || t.id), 'projectId', p.id))).*
       FROM (SELECT * FROM "Tool" WHERE "projectId" = $1 ORDER BY name LIMIT $2) t
      CROSS JOIN unnest($3::text[]) AS p(id)`,
    [fromProjectId, count, projectIds],
  );
  await client.query(`UPDATE "Project" SET "configVersion" = "configVersion" + 1 WHERE id = ANY($1::text[])`, [projectIds]);
}

async function main() {
  const loadBefore = os.loadavg();
  log(`${os.cpus().length} CPUs, Node ${process.version}, load average ${loadBefore.map((n) => n.toFixed(2)).join(" ")}; ${DURATION_SEC} s per run, ${ROUNDS} rounds; ${LARGE_TOOLS} tools; ${RUNS_ROWS} runs; ${MEMORY_PROJECTS} × ${MEMORY_TOOLS} tools; soak ${SOAK_SEC} s`);
  const database = await createTestDatabase("bench_scale");
  cleanups.push(() => database.drop());
  const db: Db = database.db;
  const sql = new pg.Client({ connectionString: database.target.url, options: `-c search_path="${database.target.schema}"` });
  await sql.connect();
  cleanups.push(() => sql.end());

  const upstream = forkTs("upstream", path.join(ROOT, "bench/upstream.ts"), { cwd: ROOT });
  const { port: upstreamPort } = await firstMessage<{ port: number }>(upstream, 30_000);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const masterKey = SecretBox.generateKey();
  const secretBox = new SecretBox(masterKey);

  let t = performance.now();
  const small = await seedCallProject(db, secretBox, upstreamUrl, { name: "bench small" });
  const large = await seedCallProject(db, secretBox, upstreamUrl, { orgId: small.org.id, name: "bench large" });
  const template = await seedListProject(db, secretBox, small.org.id, upstreamUrl, TEMPLATE_TOOLS);
  await copyTools(sql, template.project.id, [small.project.id], SMALL_TOOLS - 2);
  await copyTools(sql, template.project.id, [large.project.id], LARGE_TOOLS - 2);
  for (const [p, n] of [[small, SMALL_TOOLS], [large, LARGE_TOOLS]] as const) {
    const stored = await db.tool.count({ where: { projectId: p.project.id } });
    if (stored !== n) throw new Error(`expected ${n} tools in ${p.project.slug}, found ${stored}`);
  }
  log(`seeded ${SMALL_TOOLS}- and ${LARGE_TOOLS}-tool projects in ${Math.round(performance.now() - t)} ms`);

  const { child: gateway, url: gatewayUrl } = await startGatewayChild(ROOT, database.target, masterKey, { ALLOW_PRIVATE_UPSTREAMS: "true", ...(REDIS_URL ? { REDIS_URL } : {}) });
  const pid = gateway.proc.pid!;
  const rssIdle = rssMb(pid);
  log(`gateway pid ${pid}, RSS idle ${rssIdle.toFixed(1)} MB`);

  const headers = (key: string) => ({ "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${key}`, "mcp-protocol-version": "2025-06-18" });
  const ok = (b: string) => b.includes('"result"') && !b.includes('"isError":true');
  let n = 0;
  const tag = Math.random().toString(36).slice(2, 8);
  const callSpec = (p: { project: { slug: string }; key: string }, tool: string, connections: number) => ({
    url: `${gatewayUrl}/p/${p.project.slug}/mcp`,
    method: "POST" as const,
    headers: headers(p.key),
    body:
      tool === READ_TOOL
        ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: READ_TOOL, arguments: { q: "itm_0001", limit: 10 } } })
        : () => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: WRITE_TOOL, arguments: { n: `${tag}-${++n}`, note: "Call back next week.", amount: 42 } } }),
    connections,
    verifyBody: ok,
    cpuOf: { gateway: pid },
  });

  type Row = { label: string; tool: string; connections: number; result: LoadResult; rssPeakMb?: number };
  const rowsOf = (rows: Row[]) =>
    table(
      ["scenario", "tool", "conc", "calls/s", "p50 ms", "p99 ms", "gw CPU/call", "errors", "gw RSS peak"],
      rows.map((r) => [r.label, r.tool, r.connections, fmt.int(r.result.callsPerSec), fmt.ms(r.result.latencyMs.p50), fmt.ms(r.result.latencyMs.p99), fmt.cpu(r.result.cpuMsPerCall.gateway), r.result.errors.total, r.rssPeakMb === undefined ? "" : `${r.rssPeakMb.toFixed(0)} MB`]),
      [false, false, true, true, true, true, true, true, true],
    );
  let flagged = false;
  const check = (label: string, r: LoadResult) => {
    if (r.errors.total > 0) {
      flagged = true;
      log(`!! ${label}: ${r.errors.total} errors ${JSON.stringify(r.errors.statusCodes)}\n${gateway.output()}`);
    }
  };

  // ---------------------------------------------------------- 1. 10 vs 10,000 tools, alternated
  const toolRows: Row[] = [];
  let rssUnderLoad = 0;
  for (const connections of [1, 64]) {
    for (const tool of [READ_TOOL, WRITE_TOOL]) {
      const pair = [
        { label: `${SMALL_TOOLS} tools`, p: small },
        { label: `${fmt.int(LARGE_TOOLS)} tools`, p: large },
      ];
      for (const { p } of pair) await runLoad({ ...callSpec(p, tool, connections), durationSec: WARMUP_SEC });
      const rounds: LoadResult[][] = [[], []];
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, { label, p }] of pair.entries()) {
          const { result, peakMb } = await withRssPeak(pid, () => runLoad({ ...callSpec(p, tool, connections), durationSec: DURATION_SEC }));
          rssUnderLoad = Math.max(rssUnderLoad, peakMb);
          check(`${label} ${tool} @${connections}`, result);
          rounds[i]!.push(result);
          log(`${label} ${tool} @ ${connections} round ${round + 1}: ${fmt.int(result.callsPerSec)} calls/s, p50 ${fmt.ms(result.latencyMs.p50)} ms, CPU/call ${fmt.cpu(result.cpuMsPerCall.gateway)}`);
        }
      }
      for (const [i, { label }] of pair.entries()) toolRows.push({ label, tool, connections, result: medianOfRounds(rounds[i]!) });
    }
  }

  // ---------------------------------------------------------- 2. 0 vs RUNS_ROWS runs
  const runsBefore = Number((await sql.query(`SELECT count(*) FROM "Run"`)).rows[0].count);
  const runRows: Row[] = toolRows.filter((r) => r.label === `${SMALL_TOOLS} tools`).map((r) => ({ ...r, label: `runs table: ${fmt.int(runsBefore)} rows` }));
  if (RUNS_ROWS > 0) {
    t = performance.now();
    const batch = 250_000;
    for (let from = 1; from <= RUNS_ROWS; from += batch) {
      const to = Math.min(RUNS_ROWS, from + batch - 1);
      // Older than every run the gateway writes now (ids and createdAt sort first), in the measured project.
      await sql.query(
        `INSERT INTO "Run" (id, "projectId", "toolId", "toolName", status, "principalKind", "apiKeyId", attempts, "httpStatus", "gatewayMs", "upstreamMs",
                            arguments, request, response, "createdAt", "finishedAt")
         SELECT 'run_00' || lpad(g::text, 24, '0'), $1, NULL, CASE WHEN g % 3 = 0 THEN $3 ELSE $4 END, 'succeeded', 'api_key', NULL, 1, 200, 2, 1,
                jsonb_build_object('q', 'itm_' || g, 'limit', 10),
                jsonb_build_object('method', 'GET', 'url', 'http://upstream/echo?q=itm_' || g),
                jsonb_build_object('status', 200, 'body', '{"ok":true}'),
                (now() AT TIME ZONE 'UTC') - interval '30 days' + (g * interval '1 millisecond'), (now() AT TIME ZONE 'UTC') - interval '30 days' + (g * interval '1 millisecond')
           FROM generate_series($2::int, $5::int) g`,
        [small.project.id, from, WRITE_TOOL, READ_TOOL, to],
      );
      log(`inserted ${fmt.int(to)} / ${fmt.int(RUNS_ROWS)} runs (${Math.round((performance.now() - t) / 1000)} s)`);
    }
    await sql.query(`ANALYZE "Run"`);
    const runsAfter = Number((await sql.query(`SELECT count(*) FROM "Run"`)).rows[0].count);
    log(`runs table now ${fmt.int(runsAfter)} rows (insert + ANALYZE ${Math.round((performance.now() - t) / 1000)} s)`);
    for (const connections of [1, 64]) {
      for (const tool of [READ_TOOL, WRITE_TOOL]) {
        await runLoad({ ...callSpec(small, tool, connections), durationSec: WARMUP_SEC });
        const rounds: LoadResult[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const r = await runLoad({ ...callSpec(small, tool, connections), durationSec: DURATION_SEC });
          check(`runs ${tool} @${connections}`, r);
          rounds.push(r);
        }
        runRows.push({ label: `runs table: ${fmt.int(runsAfter)} rows`, tool, connections, result: medianOfRounds(rounds) });
      }
    }
  }

  // ---------------------------------------------------------- 3. memory with many projects loaded
  t = performance.now();
  const memoryProjects: { slug: string; key: string }[] = [];
  for (let i = 0; i < MEMORY_PROJECTS; i++) {
    const project = await createProject(db, { orgId: small.org.id, name: `bench memory ${i}`, allowHttpUpstreams: true });
    const { key } = await createApiKey(db, project.id, { name: "bench" });
    memoryProjects.push({ slug: project.slug, key });
  }
  const ids = (await db.project.findMany({ where: { slug: { in: memoryProjects.map((p) => p.slug) } }, select: { id: true } })).map((p) => p.id);
  for (let i = 0; i < ids.length; i += 10) await copyTools(sql, template.project.id, ids.slice(i, i + 10), MEMORY_TOOLS);
  log(`seeded ${MEMORY_PROJECTS} projects × ${MEMORY_TOOLS} tools in ${Math.round((performance.now() - t) / 1000)} s`);
  const rssBeforeProjects = rssMb(pid);
  t = performance.now();
  for (const p of memoryProjects) {
    const res = await fetch(`${gatewayUrl}/p/${p.slug}/mcp`, { method: "POST", headers: headers(p.key), body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    const body = (await res.json()) as { result?: { tools: unknown[] } };
    if (res.status !== 200 || (body.result?.tools.length ?? 0) < MEMORY_TOOLS) throw new Error(`tools/list of ${p.slug}: HTTP ${res.status}, ${body.result?.tools.length} tools`);
  }
  const rssProjects = rssMb(pid);
  log(`listed ${MEMORY_PROJECTS} projects in ${Math.round((performance.now() - t) / 1000)} s; RSS ${rssBeforeProjects.toFixed(0)} → ${rssProjects.toFixed(0)} MB`);
  // Calls keep working with all of them cached, and the loaded memory under load:
  const { result: loadedRead, peakMb: rssLoadedUnderLoad } = await withRssPeak(pid, () => runLoad({ ...callSpec(small, READ_TOOL, 64), durationSec: DURATION_SEC }));
  check("read @64 with projects loaded", loadedRead);

  // ---------------------------------------------------------- 4. growth over a long run
  const soak: { sec: number; rssMb: number; callsPerSec: number }[] = [];
  if (SOAK_SEC > 0) {
    const started = performance.now();
    soak.push({ sec: 0, rssMb: rssMb(pid), callsPerSec: NaN });
    for (let elapsed = 0; elapsed < SOAK_SEC; elapsed += SOAK_SAMPLE_SEC) {
      const half = Math.max(1, Math.round(SOAK_SAMPLE_SEC / 2));
      const [r1, r2] = [await runLoad({ ...callSpec(small, READ_TOOL, 64), durationSec: half }), await runLoad({ ...callSpec(small, WRITE_TOOL, 64), durationSec: half })];
      check("soak", r1);
      check("soak", r2);
      soak.push({ sec: Math.round((performance.now() - started) / 1000), rssMb: rssMb(pid), callsPerSec: (r1.callsPerSec + r2.callsPerSec) / 2 });
      log(`soak ${soak.at(-1)!.sec} s: RSS ${soak.at(-1)!.rssMb.toFixed(1)} MB`);
    }
  }

  // ---------------------------------------------------------- report
  const out: string[] = [];
  out.push(`bench:scale — ${new Date().toISOString()}, ${os.cpus().length} CPUs, Node ${process.version}, load average before ${loadBefore.map((x) => x.toFixed(2)).join(" ")}, after ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  out.push(`settings: BENCH_DURATION=${DURATION_SEC} BENCH_ROUNDS=${ROUNDS} BENCH_LARGE_TOOLS=${LARGE_TOOLS} BENCH_RUNS_ROWS=${RUNS_ROWS} BENCH_MEMORY_PROJECTS=${MEMORY_PROJECTS} BENCH_MEMORY_TOOLS=${MEMORY_TOOLS} BENCH_SOAK_SEC=${SOAK_SEC}`);
  out.push("", `tools/call by project size (alternated A/B, median of ${ROUNDS} rounds)`, rowsOf(toolRows));
  out.push("", "tools/call by runs-table size (10-tool project; the insert lands in the measured project)", rowsOf(runRows));
  out.push(
    "",
    "gateway resident memory (RSS)",
    table(
      ["when", "RSS"],
      [
        ["idle, after start", `${rssIdle.toFixed(0)} MB`],
        ["peak under the tools/call runs (up to 64 connections)", `${rssUnderLoad.toFixed(0)} MB`],
        [`before listing ${MEMORY_PROJECTS} projects`, `${rssBeforeProjects.toFixed(0)} MB`],
        [`${MEMORY_PROJECTS} projects × ${fmt.int(MEMORY_TOOLS)} tools loaded (each listed once)`, `${rssProjects.toFixed(0)} MB`],
        [`  + 64-connection read load (${fmt.int(loadedRead.callsPerSec)} calls/s), peak`, `${rssLoadedUnderLoad.toFixed(0)} MB`],
      ],
      [false, true],
    ),
  );
  if (soak.length > 1) {
    const steady = soak.slice(Math.ceil(soak.length / 2));
    const slope = steady.length > 1 ? (steady.at(-1)!.rssMb - steady[0]!.rssMb) / ((steady.at(-1)!.sec - steady[0]!.sec) / 60) : NaN;
    out.push(
      "",
      `growth check: ${SOAK_SEC} s of read+write load at 64 connections, RSS every ${SOAK_SAMPLE_SEC} s`,
      table(["t (s)", "RSS", "calls/s"], soak.map((s) => [s.sec, `${s.rssMb.toFixed(1)} MB`, fmt.int(s.callsPerSec)])),
      `  second half: ${Number.isFinite(slope) ? `${slope >= 0 ? "+" : ""}${slope.toFixed(2)} MB/min` : "n/a"} (${steady[0]!.rssMb.toFixed(1)} → ${steady.at(-1)!.rssMb.toFixed(1)} MB)`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
  mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench/results/scale.json"), JSON.stringify({ toolRows, runRows, rssIdle, rssUnderLoad, rssBeforeProjects, rssProjects, rssLoadedUnderLoad, soak }, null, 2));
  if (flagged) {
    log("some runs had errors (see above)");
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
