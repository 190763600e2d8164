// `npx tsx bench/runs-table.ts`: the dashboard's runs table with 1,000,000 runs in the project.
//
// Seeds an isolated, migrated schema with one project holding 1,000,000 runs over 30 days (and
// a second project with 200,000, so the project filter has work to do), with a realistic mix of
// tools, statuses and principals, in the time order the gateway writes them. Then times
// `listRuns` exactly as /projects/[slug]/runs calls it (50 rows, filters from the URL, keyset
// cursors) — median of 5 after one warm-up — and exits 1 if any median reaches 200 ms.
// Then times the overview charts (`getProjectUsage`, 24 h and 7 d) scanning runs, runs the
// `usage.rollup` job once (the first catch-up over 8 days) and times the charts again on the
// roll-ups. BENCH_DAYS (default 30) squeezes the runs into fewer days: BENCH_DAYS=7 gives
// 1,000,000 runs in the last week.
// See bench/README.md.
import { performance } from "node:perf_hooks";
import { createApiKey, createOrganization, createProject, createTool, getProjectUsage, idAtTime, listRunPrincipals, listRuns, newId, listRunsInput, rollUpUsage, SecretBox, type UsageRange } from "@tengine/core";
import type { Db } from "@tengine/db";
import pg from "pg";
import type { z } from "zod";
import { fmt, table } from "./lib/report.ts";

const RUNS = positiveInt("BENCH_RUNS", 1_000_000);
const OTHER_RUNS = positiveInt("BENCH_OTHER_RUNS", 200_000);
const DAYS = positiveInt("BENCH_DAYS", 30);
const REPEAT = 5;
const BUDGET_MS = 200;
const PAGE = 50; // what the runs page asks for
const BATCH = 200_000;

// createTestDatabase reads TEST_DATABASE_URL when its module loads: set it first.
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");

const log = (message: string) => process.stderr.write(`[bench:runs] ${message}\n`);

// Crockford base32, lowercase, as packages/core/src/ids/new-id.ts: the 10-character time part
// is the 48-bit millisecond timestamp, most significant digit first, so ids sort by time.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const timePartSql = (ms: string) =>
  Array.from({ length: 10 }, (_, i) => `substr('${ALPHABET}', ((${ms} >> ${5 * (9 - i)}) & 31)::int + 1, 1)`).join(" || ");

const TOOLS = [
  // name, share of calls, method, read-only
  { name: "search_contacts", weight: 0.34, method: "GET" },
  { name: "get_contact", weight: 0.22, method: "GET" },
  { name: "list_deals", weight: 0.14, method: "GET" },
  { name: "create_note", weight: 0.1, method: "POST" },
  { name: "update_deal", weight: 0.08, method: "PATCH" },
  { name: "create_contact", weight: 0.06, method: "POST" },
  { name: "send_invoice", weight: 0.05, method: "POST" },
  { name: "archive_company", weight: 0.01, method: "POST" },
] as const;

type Filters = z.input<typeof listRunsInput>;
type Scenario = { label: string; input: () => Filters };

let dropDatabase: (() => Promise<void>) | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: dropping the schema…`);
    void (dropDatabase?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main() {
  const started = performance.now();
  const test = await createTestDatabase("bench_runs");
  dropDatabase = test.drop;
  try {
    const world = await seedWorld(test.db);
    const client = new pg.Client({ connectionString: test.target.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${test.target.schema}"`);
      // Timestamp columns hold UTC (as Prisma writes and reads them).
      await client.query(`SET TIME ZONE 'UTC'`);
      const now = Date.now();
      await insertRuns(client, world, now);
      log("ANALYZE");
      await client.query(`ANALYZE "Run"`);
      const { rows } = await client.query<{ n: string; size: string }>(
        `SELECT count(*)::text AS n, pg_size_pretty(pg_total_relation_size('"Run"')) AS size FROM "Run"`,
      );
      log(`${Number(rows[0]!.n).toLocaleString("en-US")} runs in the table, ${rows[0]!.size} with indexes (seeded in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
      await checkIdOrder(client, world.projectId);
      const results = await measure(test.db, world, now, client);
      printResults(results);
      await measureUsage(test.db, world.projectId, now);
      const slow = results.filter((r) => r.median >= BUDGET_MS);
      if (slow.length) {
        console.error(`\n${slow.length} scenario(s) at or over ${BUDGET_MS} ms: ${slow.map((s) => s.label).join(", ")}`);
        process.exitCode = 1;
      } else {
        console.log(`\nall medians under ${BUDGET_MS} ms with ${RUNS.toLocaleString("en-US")} runs in the project`);
      }
    } finally {
      await client.end();
    }
  } finally {
    log("dropping the schema");
    await test.drop();
  }
}

type World = Awaited<ReturnType<typeof seedWorld>>;

/** The org, the two projects, their tools and keys, created through @tengine/core. */
async function seedWorld(db: Db) {
  const box = new SecretBox(SecretBox.generateKey());
  const org = await createOrganization(db, { name: "Runs bench" });
  const project = await createProject(db, { orgId: org.id, name: "runs bench" });
  const other = await createProject(db, { orgId: org.id, name: "runs bench other" });
  const toolIds = async (projectId: string) => {
    const ids: string[] = [];
    for (const t of TOOLS) {
      const tool = await createTool(db, box, projectId, {
        name: t.name,
        description: `${t.name.replace(/_/g, " ")} in the CRM (benchmark).`,
        inputSchema: { type: "object", properties: { q: { type: "string" } } },
        annotations: { readOnlyHint: t.method === "GET" },
        method: t.method,
        url: `https://api.example.com/v1/${t.name}`,
      });
      ids.push(tool.id);
    }
    return ids;
  };
  const keyIds = async (projectId: string) => {
    const ids: string[] = [];
    for (const name of ["production backend", "staging", "ci smoke tests"]) ids.push((await createApiKey(db, projectId, { name })).id);
    return ids;
  };
  const user = await db.user.create({ data: { id: newId("user"), email: "bench-admin@example.com" }, select: { id: true } });
  return {
    projectId: project.id,
    otherProjectId: other.id,
    tools: await toolIds(project.id),
    otherTools: await toolIds(other.id),
    keys: await keyIds(project.id),
    otherKeys: await keyIds(other.id),
    userId: user.id,
  };
}

/**
 * Bulk insert with INSERT … SELECT … FROM generate_series, in batches. Row n of N gets a
 * timestamp that grows with n (the gateway writes runs in time order, so the heap is laid out
 * the way production's is) and an id made from that timestamp exactly as newId() makes it
 * (10 time characters + 16 random ones; hex digits are all in the Crockford alphabet).
 */
async function insertRuns(client: pg.Client, world: World, now: number) {
  const total = RUNS + OTHER_RUNS;
  const start = now - DAYS * 24 * 3600_000;
  const step = (DAYS * 24 * 3600_000) / total;
  const otherShare = OTHER_RUNS / total;
  const lit = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(",")}]`;
  // Cumulative tool weights → an index into the tool arrays.
  let acc = 0;
  const toolIndex = `CASE ${TOOLS.map((t, i) => `WHEN rt < ${(acc += t.weight).toFixed(4)} THEN ${i + 1}`).join(" ")} ELSE ${TOOLS.length} END`;
  const names = lit(TOOLS.map((t) => t.name));
  const methods = lit(TOOLS.map((t) => t.method));
  const sql = `
    INSERT INTO "Run" ("id","projectId","toolId","toolName","status","principalKind","apiKeyId","memberId","memberEmail","userId","clientId",
      "httpStatus","attempts","gatewayMs","upstreamMs","idempotencyKey","dedupeSource","originalRunId","arguments","request","response","error","createdAt","finishedAt")
    SELECT id, project, tool_id, tool_name, status::"RunStatus", kind::"PrincipalKind", api_key, member_id, member_email, user_id, client_id,
      http_status, attempts, gateway_ms, upstream_ms, idem_key, dedupe_source, original_run, args,
      CASE WHEN status IN ('denied','rate_limited','pending') THEN NULL ELSE jsonb_build_object(
        'method', method, 'url', 'https://api.example.com/v1/' || tool_name || '?q=acme%20' || (g % 997),
        'headers', jsonb_build_object('accept','application/json','authorization','[redacted]','idempotency-key', idem_key,
          'x-tengine-project-id', project, 'x-tengine-run-id', id, 'x-tengine-principal', kind),
        'body', CASE WHEN method = 'GET' THEN NULL ELSE '{"note":"follow up with Acme ' || (g % 997) || '"}' END) END,
      CASE WHEN http_status IS NULL THEN NULL ELSE jsonb_build_object('status', http_status,
        'headers', jsonb_build_object('content-type','application/json','x-request-id', substr(md5(id), 1, 12)),
        'body', CASE WHEN http_status < 400 THEN '{"id":"c_' || (g % 99991) || '","name":"Acme Corp","owner":"dana@example.com","stage":"qualified"}'
                     ELSE '{"error":"upstream failed","code":' || http_status || '}' END) END,
      CASE status WHEN 'failed' THEN 'Upstream answered ' || http_status WHEN 'denied' THEN 'Tool requires scopes: deals:write'
                  WHEN 'rate_limited' THEN 'Rate limit reached; retry in 12 s' END,
      to_timestamp(ms / 1000.0), CASE WHEN status IN ('pending','running') THEN NULL ELSE to_timestamp((ms + gateway_ms + coalesce(upstream_ms, 0)) / 1000.0) END
    FROM (
      SELECT *,
        'run_' || (${timePartSql("ms")}) || substr(md5(g::text || random()::text), 1, 16) AS id,
        (CASE WHEN other THEN $3::text[] ELSE $4::text[] END)[tool_i] AS tool_id,
        (${names})[tool_i] AS tool_name,
        (${methods})[tool_i] AS method,
        CASE WHEN rs < 0.88 THEN 'succeeded' WHEN rs < 0.94 THEN 'failed' WHEN rs < 0.97 THEN 'deduplicated'
             WHEN rs < 0.985 THEN 'rate_limited' WHEN rs < 0.995 THEN 'denied' WHEN rs < 0.998 THEN 'pending' ELSE 'running' END AS status,
        CASE WHEN rk < 0.90 THEN 'api_key' WHEN rk < 0.96 THEN 'member' WHEN rk < 0.99 THEN CASE WHEN other THEN 'oauth' ELSE 'member' END ELSE 'dashboard' END AS kind
      FROM (
        SELECT g, other, rs, rk, rl, rx, (${start}::bigint + floor((g - 1 + random()) * ${step}))::bigint AS ms, ${toolIndex} AS tool_i
        FROM (SELECT g, random() < ${otherShare} AS other, random() AS rt, random() AS rs, random() AS rk, random() AS rl, random() AS rx
              FROM generate_series($1::int, $2::int) AS g) r
      ) t
    ) u,
    LATERAL (SELECT
      CASE WHEN other THEN $5::text ELSE $6::text END AS project,
      CASE WHEN kind = 'api_key' THEN (CASE WHEN other THEN $7::text[] ELSE $8::text[] END)[CASE WHEN rl < 0.75 THEN 1 WHEN rl < 0.95 THEN 2 ELSE 3 END] END AS api_key,
      CASE WHEN kind = 'member' THEN 'usr_member_' || floor(rl * 500)::int END AS member_id,
      CASE WHEN kind = 'member' THEN 'member' || floor(rl * 500)::int || '@customer.example' END AS member_email,
      CASE WHEN kind = 'dashboard' THEN $9::text WHEN kind = 'oauth' THEN 'usr_oauth_' || floor(rl * 50)::int END AS user_id,
      CASE WHEN kind = 'oauth' THEN 'cli_claude' END AS client_id,
      CASE status WHEN 'succeeded' THEN CASE WHEN method = 'POST' THEN 201 ELSE 200 END WHEN 'deduplicated' THEN 200
        WHEN 'failed' THEN (ARRAY[500, 502, 503, 404, 422])[1 + floor(rx * 5)::int] END AS http_status,
      CASE WHEN status IN ('denied','rate_limited','pending') THEN 0 WHEN status = 'failed' THEN 1 + floor(rx * 3)::int
           WHEN rx < 0.02 THEN 2 ELSE 1 END AS attempts,
      2 + floor(rx * 12)::int + CASE WHEN rx > 0.99 THEN 40 ELSE 0 END AS gateway_ms,
      CASE WHEN status IN ('succeeded','failed','running') THEN 25 + floor(power(rl, 3) * 900)::int END AS upstream_ms,
      CASE WHEN method <> 'GET' OR status = 'deduplicated' THEN substr(md5('k' || g), 1, 24) END AS idem_key,
      CASE WHEN status = 'deduplicated' THEN (ARRAY['derived','header','meta'])[1 + floor(rx * 3)::int]
           WHEN method <> 'GET' THEN 'derived' END AS dedupe_source,
      CASE WHEN status = 'deduplicated' THEN 'run_' || (${timePartSql("(ms - 1500)")}) || substr(md5('o' || g), 1, 16) END AS original_run,
      jsonb_build_object('q', 'acme ' || (g % 997), 'limit', 10) AS args
    ) p`;
  for (let from = 1; from <= total; from += BATCH) {
    const to = Math.min(total, from + BATCH - 1);
    const t0 = performance.now();
    await client.query(sql, [from, to, world.otherTools, world.tools, world.otherProjectId, world.projectId, world.otherKeys, world.keys, world.userId]);
    log(`inserted runs ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

/** The SQL-made ids must sort like createdAt, and like ids newId() makes for the same instant. */
async function checkIdOrder(client: pg.Client, projectId: string) {
  const { rows } = await client.query<{ bad: string }>(
    `SELECT count(*)::text AS bad FROM (
       SELECT "createdAt", lag("createdAt") OVER (ORDER BY id) AS prev FROM "Run" WHERE "projectId" = $1) s
     WHERE prev > "createdAt"`,
    [projectId],
  );
  if (rows[0]!.bad !== "0") throw new Error(`${rows[0]!.bad} runs whose id order disagrees with createdAt`);
  const sample = await client.query<{ id: string; ms: string }>(`SELECT id, (extract(epoch FROM "createdAt") * 1000)::bigint::text AS ms FROM "Run" WHERE "projectId" = $1 ORDER BY id DESC LIMIT 20`, [projectId]);
  for (const row of sample.rows) {
    const expected = newId("run", Number(row.ms)).slice(0, 14);
    if (row.id.slice(0, 14) !== expected) throw new Error(`id ${row.id} does not encode its createdAt like newId() (${expected}…)`);
  }
  log("ids sort like createdAt and encode it as newId() does");
}

type Result = { label: string; median: number; min: number; max: number; rows: number; principalsMs: number };

async function measure(db: Db, world: World, now: number, client: pg.Client): Promise<Result[]> {
  const projectId = world.projectId;
  const day = 24 * 3600_000;
  // Page 100: the cursor the page would carry after 99 clicks on "Older".
  let cursor: string | undefined;
  for (let page = 1; page < 100; page++) cursor = (await listRuns(db, projectId, { limit: PAGE, cursor })).nextCursor ?? undefined;
  if (!cursor) throw new Error("fewer than 100 pages of runs");
  const deep = cursor;
  const page2 = (await listRuns(db, projectId, { limit: PAGE })).nextCursor!;
  const page2First = (await listRuns(db, projectId, { limit: PAGE, cursor: page2 })).runs[0]!.id;

  const scenarios: Scenario[] = [
    { label: "first page, no filter", input: () => ({ limit: PAGE }) },
    { label: "page 100 (cursor)", input: () => ({ limit: PAGE, cursor: deep }) },
    { label: "Newer from page 2", input: () => ({ limit: PAGE, after: page2First }) },
    { label: "tool = get_contact (22%)", input: () => ({ limit: PAGE, toolName: "get_contact" }) },
    { label: "tool = archive_company (1%)", input: () => ({ limit: PAGE, toolName: "archive_company" }) },
    { label: "status = failed (6%)", input: () => ({ limit: PAGE, status: "failed" }) },
    { label: "status = running (0.2%)", input: () => ({ limit: PAGE, status: "running" }) },
    { label: "API key = staging (18%)", input: () => ({ limit: PAGE, principalKind: "api_key", apiKeyId: world.keys[1] }) },
    { label: "API key = ci smoke tests (4.5%)", input: () => ({ limit: PAGE, principalKind: "api_key", apiKeyId: world.keys[2] }) },
    { label: "principal = member (9%)", input: () => ({ limit: PAGE, principalKind: "member" }) },
    { label: "principal = dashboard (1%)", input: () => ({ limit: PAGE, principalKind: "dashboard" }) },
    { label: "last 24 h", input: () => ({ limit: PAGE, since: new Date(now - day) }) },
    { label: "last 24 h, page 20", input: () => ({ limit: PAGE, since: new Date(now - day), cursor: deepIn24h }) },
    { label: "custom range (one day, 20 days ago)", input: () => ({ limit: PAGE, since: new Date(now - 20 * day), until: new Date(now - 19 * day) }) },
    { label: "tool + status + 7 d", input: () => ({ limit: PAGE, toolName: "create_note", status: "failed", since: new Date(now - 7 * day) }) },
    { label: "tool + API key + status (rare)", input: () => ({ limit: PAGE, toolName: "send_invoice", principalKind: "api_key", apiKeyId: world.keys[2], status: "failed" }) },
    { label: "status + custom range (0.2% of 1 day)", input: () => ({ limit: PAGE, status: "running", since: new Date(now - 20 * day), until: new Date(now - 19 * day) }) },
    // Worst cases: so few matches that a page needs most of the project's rows read.
    { label: "tool never called (0 rows)", input: () => ({ limit: PAGE, toolName: "never_called" }) },
    { label: "rare tool + rare status (0.002%)", input: () => ({ limit: PAGE, toolName: "archive_company", status: "running" }) },
    { label: "principal = oauth (none in this project)", input: () => ({ limit: PAGE, principalKind: "oauth" }) },
    { label: "principal = dashboard + failed (0.06%)", input: () => ({ limit: PAGE, principalKind: "dashboard", status: "failed" }) },
    { label: "principal = dashboard + rate limited (0.015%)", input: () => ({ limit: PAGE, principalKind: "dashboard", status: "rate_limited" }) },
  ];
  let deepIn24h: string | undefined;
  for (let page = 1; page < 20; page++) deepIn24h = (await listRuns(db, projectId, { limit: PAGE, since: new Date(now - day), cursor: deepIn24h })).nextCursor ?? undefined;

  const results: Result[] = [];
  for (const scenario of scenarios) {
    const input = scenario.input();
    if (process.env.BENCH_EXPLAIN) await explain(client, projectId, input);
    await listRuns(db, projectId, input); // warm-up
    const times: number[] = [];
    let rows = 0;
    const names: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const t0 = performance.now();
      const page = await listRuns(db, projectId, input);
      times.push(performance.now() - t0);
      rows = page.runs.length;
      // What the page does next: names for the page's keys and users (two IN lookups).
      const t1 = performance.now();
      await listRunPrincipals(db, projectId, page.runs);
      names.push(performance.now() - t1);
    }
    times.sort((a, b) => a - b);
    names.sort((a, b) => a - b);
    results.push({ label: scenario.label, median: times[Math.floor(REPEAT / 2)]!, min: times[0]!, max: times[REPEAT - 1]!, rows, principalsMs: names[Math.floor(REPEAT / 2)]! });
    log(`${scenario.label}: median ${fmt.ms(times[Math.floor(REPEAT / 2)]!)} ms`);
  }
  return results;
}

/** BENCH_EXPLAIN=1: the plan Postgres picks for a scenario's query (same shape as Prisma's). */
async function explain(client: pg.Client, projectId: string, raw: Filters) {
  const input = listRunsInput.parse(raw);
  const where = [`"projectId" = $1`];
  const params: unknown[] = [projectId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (input.cursor) add(`id < ?`, input.cursor);
  if (input.until) add(`id < ?`, idAtTime("run", input.until.getTime()));
  if (input.since) add(`id >= ?`, idAtTime("run", input.since.getTime()));
  if (input.after) add(`id > ?`, input.after);
  if (input.toolName) add(`"toolName" = ?`, input.toolName);
  if (input.status) add(`status = ?::"RunStatus"`, input.status);
  if (input.apiKeyId) add(`"apiKeyId" = ?`, input.apiKeyId);
  if (input.principalKind) add(`"principalKind" = ?::"PrincipalKind"`, input.principalKind);
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM "Run" WHERE ${where.join(" AND ")} ORDER BY id ${input.after ? "ASC" : "DESC"} LIMIT ${PAGE + 1}`, params);
  log(`plan:\n${rows.map((r: Record<string, string>) => `    ${r["QUERY PLAN"]}`).join("\n")}`);
}

function printResults(results: Result[]) {
  console.log(`\nlistRuns, ${PAGE} rows a page, ${RUNS.toLocaleString("en-US")} runs in the project + ${OTHER_RUNS.toLocaleString("en-US")} in another (median of ${REPEAT} after a warm-up)\n`);
  console.log(
    table(
      ["scenario", "rows", "median ms", "min ms", "max ms", "+ names ms (median)", ""],
      results.map((r) => [r.label, r.rows, fmt.ms(r.median), fmt.ms(r.min), fmt.ms(r.max), fmt.ms(r.principalsMs), r.median >= BUDGET_MS ? "SLOW" : "ok"]),
      [false, true, true, true, true, true, false],
    ),
  );
}

/** The overview charts before and after the usage roll-up, and the roll-up itself. */
async function measureUsage(db: Db, projectId: string, now: number) {
  const at = new Date(now);
  const time = async (run: () => Promise<unknown>) => {
    await run(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(REPEAT / 2)]!;
  };
  const ranges: UsageRange[] = ["24h", "7d"];
  const scan: Record<string, number> = {};
  for (const range of ranges) {
    scan[range] = await time(() => getProjectUsage(db, projectId, { range, now: at, watermark: null }));
    log(`usage ${range} scanning runs: median ${fmt.ms(scan[range]!)} ms`);
  }
  const t0 = performance.now();
  const rolled = await rollUpUsage(db, { now: at });
  const rollupMs = performance.now() - t0;
  log(`usage.rollup first catch-up: ${rolled.buckets} buckets, ${rolled.rows} rows in ${fmt.ms(rollupMs)} ms`);
  const t1 = performance.now();
  await rollUpUsage(db, { now: new Date(now + 60_000) });
  const incrementalMs = performance.now() - t1;
  const calls = (await getProjectUsage(db, projectId, { range: "7d", now: at, watermark: null })).totals.calls;
  const rows: Array<Array<string | number>> = [];
  for (const range of ranges) {
    const withRollups = await time(() => getProjectUsage(db, projectId, { range, now: at }));
    rows.push([`${range} chart`, fmt.ms(scan[range]!), fmt.ms(withRollups), `${(scan[range]! / withRollups).toFixed(1)}×`]);
  }
  console.log(`\ngetProjectUsage (overview charts), ${calls.toLocaleString("en-US")} runs in the project's last 7 days (median of ${REPEAT} after a warm-up)\n`);
  console.log(table(["chart", "scanning runs ms", "with roll-ups ms", "faster"], rows, [false, true, true, true]));
  console.log(`\nusage.rollup: first catch-up (8 days, ${rolled.rows.toLocaleString("en-US")} roll-up rows) ${fmt.ms(rollupMs)} ms; a later pass (one new bucket) ${fmt.ms(incrementalMs)} ms`);
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
