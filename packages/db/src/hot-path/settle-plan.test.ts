import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing.ts";
import { poolConfig } from "../connection.ts";
import { HotQueries, type RunInsert } from "./hot-queries.ts";

// A group of runs settles its idempotency keys in the same statement. Settling must find each
// record by its primary key: a plan that scans the table reads every key the project holds,
// per group. The statement's plan is read from what Postgres counted, on the one connection
// the statement ran on, so a plan kept from an earlier execution is what gets measured.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let hot: HotQueries;

beforeAll(async () => {
  database = await createTestDatabase("settle_plan");
  await database.db.organization.create({ data: { id: "org_sp", name: "SP", slug: "sp" } });
  await database.db.project.create({ data: { id: "prj_sp", orgId: "org_sp", name: "SP", slug: "sp" } });
  pool = new pg.Pool(poolConfig(database.target, 1));
  hot = new HotQueries(pool, true);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

let n = 0;
function run(): RunInsert {
  n++;
  return {
    id: `run_sp_${n}`,
    projectId: "prj_sp",
    toolId: "tool_sp",
    toolName: "create_note",
    status: "succeeded",
    principalKind: "api_key",
    apiKeyId: "key_sp",
    memberId: null,
    memberEmail: null,
    userId: null,
    clientId: null,
    connectionId: null,
    httpStatus: 200,
    attempts: 1,
    gatewayMs: 1,
    upstreamMs: 1,
    idempotencyKey: null,
    dedupeSource: "derived",
    originalRunId: null,
    arguments: { n },
    request: null,
    response: null,
    error: null,
    createdAt: new Date(),
  };
}

/** Claims a key for a new run and records the run with its settle, as a write call does. */
async function callAndSettle(): Promise<void> {
  const r = run();
  const claim = await hot.claimIdempotencyKey({
    id: `idk_${r.id}`,
    projectId: "prj_sp",
    principalKey: "api_key:key_sp",
    toolId: "tool_sp",
    key: `k_${r.id}`,
    source: "derived",
    requestHash: "h",
    runId: r.id,
    leaseUntil: new Date(Date.now() + 60_000),
    expiresAt: new Date(Date.now() + 60_000),
  });
  expect(claim).not.toBeNull();
  await hot.recordRun(r, { id: `idk_${r.id}`, runId: r.id, state: "completed", result: { content: [] } });
}

/** Records of the idempotency table read by sequential scans so far, as this connection's backend counted them. */
async function recordsScanned(): Promise<number> {
  // The backend's counters reach the statistics view when a transaction ends after this call.
  await pool.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await pool.query<{ n: string }>(`SELECT coalesce(seq_tup_read, 0) AS n FROM pg_stat_user_tables WHERE relid = '"IdempotencyRecord"'::regclass`);
  return Number(rows[0]!.n);
}

describe("settling idempotency keys with a group of runs", () => {
  it("finds each record by its key, not by scanning the table, even when the statement was first run on an empty table", async () => {
    // Run the statement enough times on a near-empty table for Postgres to settle on a plan.
    for (let i = 0; i < 8; i++) await callAndSettle();
    await pool.query(
      `INSERT INTO "IdempotencyRecord" (id, "projectId", "principalKey", "toolId", key, source, "requestHash", state, "runId", "upstreamKey", "expiresAt")
       SELECT 'idk_bulk_' || g, 'prj_sp', 'api_key:key_sp', 'tool_sp', 'bulk_' || g, 'derived', 'h', 'completed', 'run_bulk_' || g, 'run_bulk_' || g, now() + interval '1 day'
         FROM generate_series(1, 20000) g`,
    );
    const before = await recordsScanned();
    for (let i = 0; i < 3; i++) await callAndSettle();
    const scanned = (await recordsScanned()) - before;
    // Three settles by key read nothing sequentially; one scan would read 20,000.
    expect(scanned).toBeLessThan(1_000);
    const settled = await database.db.idempotencyRecord.count({ where: { projectId: "prj_sp", state: "completed", id: { startsWith: "idk_run_sp_" } } });
    expect(settled).toBe(11);
  });
});
