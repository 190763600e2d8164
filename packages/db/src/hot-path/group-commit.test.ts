import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing.ts";
import { poolConfig } from "../connection.ts";
import { GroupCommit } from "./group-commit.ts";
import { HotQueries, type RunInsert } from "./hot-queries.ts";

// Runs are written in groups (one statement per group, with the settles of their keys); a
// caller's promise resolves only after its group committed. Real Postgres: the statement, its
// arrays and its all-or-nothing commit are what is tested.

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase("group_commit");
  await database.db.organization.create({ data: { id: "org_gc", name: "GC", slug: "gc" } });
  await database.db.project.create({ data: { id: "prj_gc", orgId: "org_gc", name: "GC", slug: "gc" } });
  await database.db.apiKey.create({ data: { id: "key_gc_a", projectId: "prj_gc", name: "a", hash: "hash_gc_a", prefix: "tng_", scopes: ["x:read"] } });
  await database.db.apiKey.create({ data: { id: "key_gc_b", projectId: "prj_gc", name: "b", hash: "hash_gc_b", prefix: "tng_", expiresAt: new Date("2030-01-01T00:00:00Z") } });
});
afterAll(() => database?.drop());

let n = 0;
function run(overrides: Partial<RunInsert> = {}): RunInsert {
  n++;
  return {
    id: `run_gc_${n}`,
    projectId: "prj_gc",
    toolId: "tool_gc",
    toolName: "create_note",
    status: "succeeded",
    principalKind: "api_key",
    apiKeyId: "key_gc",
    memberId: null,
    memberEmail: null,
    userId: null,
    clientId: null,
    connectionId: null,
    httpStatus: 200,
    attempts: 1,
    gatewayMs: 3,
    upstreamMs: 7,
    idempotencyKey: null,
    dedupeSource: "derived",
    originalRunId: null,
    arguments: { note: 'quote " backslash \\ brace { } comma , é', n },
    request: { method: "POST", url: "https://api.example.com/notes", headers: { "x-a": "b" } },
    response: { status: 200, body: '{"ok":true}' },
    error: null,
    createdAt: new Date("2026-12-07T00:00:00.123Z"),
    ...overrides,
  };
}

async function claimRecord(id: string, runId: string) {
  await database.db.idempotencyRecord.create({
    data: { id, projectId: "prj_gc", principalKey: "api_key:key_gc", toolId: "tool_gc", key: id, source: "derived", requestHash: "h", state: "in_flight", runId, upstreamKey: runId, leaseUntil: new Date(Date.now() + 60_000), expiresAt: new Date(Date.now() + 60_000) },
  });
}

describe("recording runs in groups", () => {
  it("writes every column of a run as given, JSON and nulls included", async () => {
    const r = run({ toolId: null, httpStatus: null, upstreamMs: null, response: null, error: "boom", memberId: "mem_1", memberEmail: "a@b.c" });
    await database.hot.recordRun(r);
    const row = await database.db.run.findUniqueOrThrow({ where: { id: r.id } });
    expect(row).toMatchObject({ toolId: null, httpStatus: null, upstreamMs: null, response: null, error: "boom", memberId: "mem_1", memberEmail: "a@b.c", attempts: 1, gatewayMs: 3, status: "succeeded", principalKind: "api_key" });
    expect(row.arguments).toEqual(r.arguments);
    expect(row.request).toEqual(r.request);
    expect(row.createdAt.toISOString()).toBe("2026-12-07T00:00:00.123Z");
    expect(row.finishedAt).not.toBeNull();
  });

  it("records a run whose strings hold a lone UTF-16 surrogate (a client's \\ud800), with U+FFFD in its place", async () => {
    const lone = "bad \ud800 name";
    const r = run({ toolName: lone, error: `unknown tool ${lone}`, memberEmail: "x\udc00@y.z", arguments: { [lone]: lone, ok: "fine 😀" } });
    await database.hot.recordRun(r);
    const row = await database.db.run.findUniqueOrThrow({ where: { id: r.id } });
    expect(row.toolName).toBe("bad \ufffd name");
    expect(row.error).toBe("unknown tool bad \ufffd name");
    expect(row.memberEmail).toBe("x\ufffd@y.z");
    expect(row.arguments).toEqual({ "bad \ufffd name": "bad \ufffd name", ok: "fine 😀" });
  });

  it("settles the key in the same statement, and not a key another run has taken over", async () => {
    const mine = run();
    const stale = run();
    await claimRecord("idk_gc_mine", mine.id);
    await claimRecord("idk_gc_taken", "run_someone_else");
    await Promise.all([
      database.hot.recordRun(mine, { id: "idk_gc_mine", runId: mine.id, state: "completed", result: { content: [{ type: "text", text: "done" }] } }),
      database.hot.recordRun(stale, { id: "idk_gc_taken", runId: stale.id, state: "completed", result: { content: [] } }),
    ]);
    const settled = await database.db.idempotencyRecord.findUniqueOrThrow({ where: { id: "idk_gc_mine" } });
    expect(settled).toMatchObject({ state: "completed", leaseUntil: null, result: { content: [{ type: "text", text: "done" }] } });
    expect(settled.completedAt).not.toBeNull();
    expect((await database.db.idempotencyRecord.findUniqueOrThrow({ where: { id: "idk_gc_taken" } })).state).toBe("in_flight");
    expect(await database.db.run.count({ where: { id: { in: [mine.id, stale.id] } } })).toBe(2);
  });

  it("groups concurrent runs into few statements, each caller resolving after its own group committed", async () => {
    const statements: number[] = [];
    const committedBeforeResolve: boolean[] = [];
    const pool = new pg.Pool(poolConfig(database.target, 4));
    try {
      class Counting extends HotQueries {
        override async writeRuns(writes: Parameters<HotQueries["writeRuns"]>[0]) {
          statements.push(writes.length);
          await super.writeRuns(writes);
        }
      }
      const hot = new Counting(pool, true);
      const runs = Array.from({ length: 50 }, () => run());
      await Promise.all(
        runs.map(async (r) => {
          await hot.recordRun(r);
          // Another connection sees the row the moment the caller's promise resolves.
          const { rows } = await pool.query(`SELECT 1 FROM "Run" WHERE id = $1`, [r.id]);
          committedBeforeResolve.push(rows.length === 1);
        }),
      );
    } finally {
      await pool.end();
    }
    expect(committedBeforeResolve).toHaveLength(50);
    expect(committedBeforeResolve.every(Boolean)).toBe(true);
    expect(statements.reduce((a, b) => a + b, 0)).toBe(50);
    // Queued in one tick: one group, not fifty statements.
    expect(statements.length).toBeLessThanOrEqual(2);
  });

  it("a group with one bad run fails only that run's caller", async () => {
    const good = [run(), run()];
    const bad = run({ projectId: "prj_missing" }); // foreign key violation
    const results = await Promise.allSettled([database.hot.recordRun(good[0]!), database.hot.recordRun(bad), database.hot.recordRun(good[1]!)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await database.db.run.count({ where: { id: { in: [good[0]!.id, good[1]!.id, bad.id] } } })).toBe(2);
  });

  it("API-key lookups of concurrent calls share a statement; each gets its own answer, read when it asked", async () => {
    const lookups = await Promise.all([
      database.hot.findApiKey("hash_gc_a"),
      database.hot.findApiKey("hash_gc_missing"),
      database.hot.findApiKey("hash_gc_b"),
      database.hot.findApiKey("hash_gc_b", new Date("2031-01-01T00:00:00Z")), // a test clock past its expiry
      database.hot.findApiKey("hash_gc_a"),
    ]);
    expect(lookups.map((r) => r && { id: r.id, expired: r.expired, revoked: r.revoked })).toEqual([
      { id: "key_gc_a", expired: false, revoked: false },
      null,
      { id: "key_gc_b", expired: false, revoked: false },
      { id: "key_gc_b", expired: true, revoked: false },
      { id: "key_gc_a", expired: false, revoked: false },
    ]);
    expect(lookups[0]!.scopes).toEqual(["x:read"]);
    expect(lookups[0]).not.toBe(lookups[4]);
    // Of two calls with the same key in one group, only one refreshes lastUsedAt.
    expect([lookups[0]!.touchDue, lookups[4]!.touchDue].filter(Boolean)).toHaveLength(1);
    // No answer outlives a change: the next lookup reads the revocation.
    await database.db.apiKey.update({ where: { id: "key_gc_a" }, data: { revokedAt: new Date() } });
    expect((await database.hot.findApiKey("hash_gc_a"))!.revoked).toBe(true);
  });

  it("claims of concurrent calls share a statement; of several for one key exactly one wins", async () => {
    const claim = (id: string, key: string) => ({
      id, projectId: "prj_gc", principalKey: "api_key:key_gc", toolId: "tool_claims", key, source: "derived", requestHash: "h", runId: `run_${id}`,
      leaseUntil: new Date(Date.now() + 60_000), expiresAt: new Date(Date.now() + 60_000),
    });
    const results = await Promise.all([
      database.hot.claimIdempotencyKey(claim("idk_c1", "k1")),
      database.hot.claimIdempotencyKey(claim("idk_c2", "k1")),
      database.hot.claimIdempotencyKey(claim("idk_c3", "k2")),
      database.hot.claimIdempotencyKey(claim("idk_c4", "k1")),
    ]);
    expect(results).toEqual([{ id: "idk_c1", upstreamKey: "run_idk_c1" }, null, { id: "idk_c3", upstreamKey: "run_idk_c3" }, null]);
    // Held now: a later claim for k1 finds it held too.
    expect(await database.hot.claimIdempotencyKey(claim("idk_c5", "k1"))).toBeNull();
    expect(await database.db.idempotencyRecord.count({ where: { toolId: "tool_claims" } })).toBe(2);
  });

  it("an unreachable database fails the whole group at once, without retrying run by run", async () => {
    let writes = 0;
    const down = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const group = new GroupCommit<number>(async () => {
      writes++;
      throw down;
    }, { isUnavailable: (e) => e === down });
    const results = await Promise.allSettled([group.add(1), group.add(2), group.add(3)]);
    expect(results.every((r) => r.status === "rejected" && r.reason === down)).toBe(true);
    expect(writes).toBe(1);
  });
});

describe("settling idempotency keys with a group of runs", () => {
  // The statement's plan is read from what Postgres counted, on the one connection the
  // statement ran on, so a plan kept from an earlier execution is what gets measured: a plan
  // that scans the table reads every key the project holds, per group.
  let onePool: pg.Pool;
  let oneConnection: HotQueries;
  beforeAll(() => {
    onePool = new pg.Pool(poolConfig(database.target, 1));
    oneConnection = new HotQueries(onePool, true);
  });
  afterAll(() => onePool?.end());

  /** Claims a key for a new run and records the run with its settle, as a write call does. */
  async function callAndSettle(): Promise<void> {
    const r = run({ toolId: "tool_sp", arguments: { plan: n } });
    const claim = await oneConnection.claimIdempotencyKey({
      id: `idk_${r.id}`,
      projectId: "prj_gc",
      principalKey: "api_key:key_gc",
      toolId: "tool_sp",
      key: `k_${r.id}`,
      source: "derived",
      requestHash: "h",
      runId: r.id,
      leaseUntil: new Date(Date.now() + 60_000),
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(claim).not.toBeNull();
    await oneConnection.recordRun(r, { id: `idk_${r.id}`, runId: r.id, state: "completed", result: { content: [] } });
  }

  /** Records of the idempotency table read by sequential scans so far, as this connection's backend counted them. */
  async function recordsScanned(): Promise<number> {
    // The backend's counters reach the statistics view when a transaction ends after this call.
    await onePool.query("SELECT pg_stat_force_next_flush()");
    const { rows } = await onePool.query<{ n: string }>(`SELECT coalesce(seq_tup_read, 0) AS n FROM pg_stat_user_tables WHERE relid = '"IdempotencyRecord"'::regclass`);
    return Number(rows[0]!.n);
  }


  it("finds each record by its key, not by scanning the table, even when the statement was first run on an empty table", async () => {
    // Run the statement enough times on a near-empty table for Postgres to settle on a plan.
    for (let i = 0; i < 8; i++) await callAndSettle();
    await onePool.query(
      `INSERT INTO "IdempotencyRecord" (id, "projectId", "principalKey", "toolId", key, source, "requestHash", state, "runId", "upstreamKey", "expiresAt")
       SELECT 'idk_bulk_' || g, 'prj_gc', 'api_key:key_gc', 'tool_sp', 'bulk_' || g, 'derived', 'h', 'completed', 'run_bulk_' || g, 'run_bulk_' || g, now() + interval '1 day'
         FROM generate_series(1, 20000) g`,
    );
    const before = await recordsScanned();
    for (let i = 0; i < 3; i++) await callAndSettle();
    const scanned = (await recordsScanned()) - before;
    // Three settles by key read nothing sequentially; one scan would read 20,000.
    expect(scanned).toBeLessThan(1_000);
    const settled = await database.db.idempotencyRecord.count({ where: { toolId: "tool_sp", state: "completed", id: { startsWith: "idk_run_gc_" } } });
    expect(settled).toBe(11);
  });
});
