// The benchmark's check for plans that scan the call path's tables (bench/lib/scan-check.ts)
// against the machine's real Postgres: a sequential scan of runs in the benchmark's schema is
// counted, and flags the run when it reads more than the limit per call.
import path from "node:path";
import { createRequire } from "node:module";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callPathScans, scanProblems, SCAN_ROWS_PER_CALL_LIMIT } from "../../bench/lib/scan-check.ts";

const pg = createRequire(path.resolve(import.meta.dirname, "../../packages/db/package.json"))("pg") as typeof import("pg");

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase("scan_check");
  await database.db.organization.create({ data: { id: "org_sc", name: "SC", slug: "sc" } });
  await database.db.project.create({ data: { id: "prj_sc", orgId: "org_sc", name: "SC", slug: "sc" } });
  await database.db.$executeRawUnsafe(
    `INSERT INTO "Run" (id, "projectId", "toolName", status, "principalKind") SELECT 'run_sc_' || g, 'prj_sc', 't', 'succeeded', 'api_key' FROM generate_series(1, 500) g`,
  );
});
afterAll(() => database?.drop());

describe("bench: sequential scans of the call path's tables", () => {
  it("counts the rows a scan of runs read, and flags more than the limit per call", async () => {
    const client = new pg.Client({ connectionString: database.target.url, options: `-c search_path="${database.target.schema}"` });
    await client.connect();
    try {
      await client.query("SET enable_indexscan = off");
      await client.query("SET enable_bitmapscan = off");
      await client.query("SELECT pg_stat_force_next_flush()");
      await client.query(`SELECT count(*) FROM "Run" WHERE "projectId" = 'prj_sc' AND "toolName" = 'nothing'`);
      await client.query("SELECT pg_stat_force_next_flush()");
      await client.query("SELECT 1");
    } finally {
      await client.end();
    }
    let runs = (await callPathScans(database.db, database.target.schema!, 10)).find((s) => s.table === "Run")!;
    for (let i = 0; i < 50 && runs.rowsRead < 500; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runs = (await callPathScans(database.db, database.target.schema!, 10)).find((s) => s.table === "Run")!;
    }
    expect(runs.rowsRead).toBeGreaterThanOrEqual(500);
    expect(runs.scans).toBeGreaterThanOrEqual(1);

    const fewCalls = await callPathScans(database.db, database.target.schema!, 10);
    expect(scanProblems(fewCalls)).toEqual([expect.stringMatching(/^Run: .* sequential scans, \d+\.\d per call \(limit 10\)$/)]);
    // The same rows over many calls stay under the limit: a small table scanned now and then is fine.
    const manyCalls = await callPathScans(database.db, database.target.schema!, runs.rowsRead);
    expect(manyCalls.every((s) => s.rowsPerCall <= SCAN_ROWS_PER_CALL_LIMIT)).toBe(true);
    expect(scanProblems(manyCalls)).toEqual([]);
  });
});
