// Rows read by sequential scans of the tables every tools/call touches, per call, from
// Postgres's own counters for the benchmark's schema. A plan that scans one of these growing
// tables makes each call cost more as the table grows — the idempotency settle did that until
// 2026-12 (~10,000 records read per group): this check makes such a plan fail the benchmark.
import type { Db } from "@tengine/db";

/** The call path's tables: written or read by every call, growing with traffic. */
export const CALL_PATH_TABLES = ["Run", "IdempotencyRecord", "ApiKey"] as const;

/** More rows than this read sequentially per call, on any of them, flags the run. */
export const SCAN_ROWS_PER_CALL_LIMIT = 10;

export type TableScans = { table: string; scans: number; rowsRead: number; rowsPerCall: number };

/**
 * Sequential scans of the call path's tables in `schema` so far, per call. The gateway's
 * backends report their counters within seconds of going idle, so read this after a pause.
 */
export async function callPathScans(db: Db, schema: string, calls: number): Promise<TableScans[]> {
  const rows = await db.$queryRawUnsafe<{ relname: string; seq_scan: bigint | null; seq_tup_read: bigint | null }[]>(
    `SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = ANY($2::text[])`,
    schema,
    [...CALL_PATH_TABLES],
  );
  return CALL_PATH_TABLES.map((table) => {
    const row = rows.find((r) => r.relname === table);
    const rowsRead = Number(row?.seq_tup_read ?? 0);
    return { table, scans: Number(row?.seq_scan ?? 0), rowsRead, rowsPerCall: calls > 0 ? rowsRead / calls : 0 };
  });
}

/** The tables whose sequential reads per call exceed the limit, as one line each. */
export function scanProblems(scans: TableScans[]): string[] {
  return scans.filter((s) => s.rowsPerCall > SCAN_ROWS_PER_CALL_LIMIT).map((s) => `${s.table}: ${s.rowsRead.toLocaleString("en-US")} rows read by ${s.scans} sequential scans, ${s.rowsPerCall.toFixed(1)} per call (limit ${SCAN_ROWS_PER_CALL_LIMIT})`);
}
