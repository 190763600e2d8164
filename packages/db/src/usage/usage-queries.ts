import type { Db } from "../client.ts";
import { Prisma, type RunStatus } from "../generated/client.ts";

/**
 * The usage charts' and the `usage.rollup` job's SQL: aggregates over `Run` and
 * `UsageRollup` that Prisma's query builder cannot express (date_bin, percentiles,
 * width_bucket histograms). packages/core turns the rows into charts and roll-ups.
 *
 * Timestamps are `timestamp(3)` without time zone holding UTC, so bounds are passed as UTC
 * wall-clock strings (`utcWallClock`) and bucket starts come back as epoch milliseconds.
 */

/** Statuses that count as errors in the error rate. */
export const RUN_ERROR_STATUSES = ["failed", "denied", "rate_limited"] as const;

// Built from the constants, never from input.
/** p50 and p95 of gateway and upstream time, as the StatsRow columns (aggregates skip NULLs). */
const LATENCY_PERCENTILES = Prisma.sql`
  percentile_cont(0.5) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP50",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP95",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP50",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP95"`;
const isError = Prisma.raw(`status IN (${RUN_ERROR_STATUSES.map((s) => `'${s}'`).join(", ")})`);

export type UsageStatsRow = {
  calls: number;
  errors: number;
  gatewayP50: number | null;
  gatewayP95: number | null;
  upstreamP50: number | null;
  upstreamP95: number | null;
};
export type UsageToolRow = { toolName: string; calls: number; errors: number; gatewayP95: number | null; upstreamP95: number | null };
export type UsageCountRow = { t: number; toolName: string; calls: number; errors: number };
export type UsageHistRow = { t: number; toolName: string; k: "g" | "u"; i: number; n: number };
export type RollupAggRow = { projectId: string; t: number; toolName: string; status: RunStatus; k: "g" | "u"; i: number | null; n: number };

/** `timestamp without time zone` literal of a UTC instant (the columns' convention). */
export function utcWallClock(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}

/** Epoch ms of the `stepMs` bucket a timestamp column falls in (a raw SQL fragment; `stepMs` is a number, never input text). */
function bin(stepMs: number, column: string) {
  return Prisma.raw(`(extract(epoch FROM date_bin('${Math.trunc(stepMs / 1000)} seconds'::interval, ${column}, TIMESTAMP '2000-01-01')) * 1000)::float8`);
}

/**
 * One project's runs in [since, until]: per bucket, in total and per tool (the busiest
 * `limit`), with exact latency percentiles. Percentiles skip runs without a measurement.
 */
/** ` AND "toolName" = …` when one tool's usage is asked for (the tool page), else nothing. */
function toolFilter(toolName: string | undefined, alias = "") {
  return toolName === undefined ? Prisma.empty : Prisma.sql` AND ${Prisma.raw(`${alias}"toolName"`)} = ${toolName}`;
}

export function readRunUsage(db: Db, q: { projectId: string; since: string; until: string; stepMs: number; limit: number; toolName?: string }) {
  const { projectId, since, until } = q;
  const tool = toolFilter(q.toolName);
  return Promise.all([
    db.$queryRaw<Array<UsageStatsRow & { t: number }>>`
      SELECT ${bin(q.stepMs, '"createdAt"')} AS t,
             count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             ${LATENCY_PERCENTILES}
        FROM "Run"
       WHERE "projectId" = ${projectId}${tool} AND "createdAt" >= ${since}::timestamp AND "createdAt" <= ${until}::timestamp
       GROUP BY 1`,
    db.$queryRaw<UsageStatsRow[]>`
      SELECT count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             ${LATENCY_PERCENTILES}
        FROM "Run"
       WHERE "projectId" = ${projectId}${tool} AND "createdAt" >= ${since}::timestamp AND "createdAt" <= ${until}::timestamp`,
    db.$queryRaw<UsageToolRow[]>`
      SELECT "toolName",
             count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP95",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP95"
        FROM "Run"
       WHERE "projectId" = ${projectId}${tool} AND "createdAt" >= ${since}::timestamp AND "createdAt" <= ${until}::timestamp
       GROUP BY "toolName"
       ORDER BY calls DESC, "toolName" ASC
       LIMIT ${q.limit}`,
  ]);
}

/**
 * One project's window read as roll-ups before the watermark `mark` and runs from it on: the
 * roll-ups per chart bucket and tool with histogram slots `g0…`/`u0…` summed element-wise
 * (one sum per slot reads each roll-up row once; unnesting the arrays is slower), the later
 * runs' counts and histograms, and their exact percentiles per bucket.
 */
export function readRollupUsage(db: Db, q: { projectId: string; since: string; mark: string; until: string; stepMs: number; bounds: number[]; slots: number; toolName?: string }) {
  const { projectId, since, mark, until, stepMs, bounds } = q;
  const tool = toolFilter(q.toolName);
  const runTool = toolFilter(q.toolName, "r.");
  const slots = (column: string, prefix: string) => Array.from({ length: q.slots }, (_, k) => `sum(${column}[${k + 1}])::int AS ${prefix}${k}`).join(", ");
  return Promise.all([
    db.$queryRaw<Array<UsageCountRow & Record<string, number | null>>>`
      SELECT ${bin(stepMs, '"bucketStart"')} AS t, "toolName", sum(calls)::int AS calls, (coalesce(sum(calls) FILTER (WHERE ${isError}), 0))::int AS errors,
             ${Prisma.raw(slots('"gatewayHist"', "g"))}, ${Prisma.raw(slots('"upstreamHist"', "u"))}
        FROM "UsageRollup"
       WHERE "projectId" = ${projectId}${tool} AND "bucketStart" >= ${since}::timestamp AND "bucketStart" < ${mark}::timestamp
       GROUP BY 1, 2`,
    db.$queryRaw<UsageCountRow[]>`
      SELECT ${bin(stepMs, '"createdAt"')} AS t, "toolName", count(*)::int AS calls, count(*) FILTER (WHERE ${isError})::int AS errors
        FROM "Run"
       WHERE "projectId" = ${projectId}${tool} AND "createdAt" >= ${mark}::timestamp AND "createdAt" <= ${until}::timestamp
       GROUP BY 1, 2`,
    db.$queryRaw<UsageHistRow[]>`
      SELECT ${bin(stepMs, 'r."createdAt"')} AS t, r."toolName", v.k, width_bucket(v.ms, ${bounds}::int[]) AS i, count(*)::int AS n
        FROM "Run" r, LATERAL (VALUES ('g', r."gatewayMs"), ('u', r."upstreamMs")) AS v(k, ms)
       WHERE r."projectId" = ${projectId}${runTool} AND r."createdAt" >= ${mark}::timestamp AND r."createdAt" <= ${until}::timestamp AND v.ms IS NOT NULL
       GROUP BY 1, 2, 3, 4`,
    db.$queryRaw<Array<UsageStatsRow & { t: number }>>`
      SELECT ${bin(stepMs, '"createdAt"')} AS t,
             count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             ${LATENCY_PERCENTILES}
        FROM "Run"
       WHERE "projectId" = ${projectId}${tool} AND "createdAt" >= ${mark}::timestamp AND "createdAt" <= ${until}::timestamp
       GROUP BY 1`,
  ]);
}

/**
 * The roll-up job's one scan of [from, to) (all projects, or one): per 10-minute bucket,
 * tool and status, each run contributes a gateway and an upstream sample (NULL latencies land
 * in bucket NULL and only count as calls).
 */
export function aggregateRunsForRollup(db: Db, q: { from: number; to: number; projectId?: string; bounds: number[] }) {
  const projectFilter = q.projectId ? Prisma.sql`AND "projectId" = ${q.projectId}` : Prisma.empty;
  return db.$queryRaw<RollupAggRow[]>`
    SELECT r."projectId",
           (extract(epoch FROM date_bin('600 seconds'::interval, r."createdAt", TIMESTAMP '2000-01-01')) * 1000)::float8 AS t,
           r."toolName", r.status::text AS status, v.k,
           width_bucket(v.ms, ${q.bounds}::int[]) AS i,
           count(*)::int AS n
      FROM "Run" r, LATERAL (VALUES ('g', r."gatewayMs"), ('u', r."upstreamMs")) AS v(k, ms)
     WHERE r."createdAt" >= ${utcWallClock(q.from)}::timestamp AND r."createdAt" < ${utcWallClock(q.to)}::timestamp ${projectFilter}
     GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * The 10-minute buckets below `watermark` holding runs settled by an approval (not pending)
 * since `since`; approvals looked at are those with an id from `approvalIdFrom` on (an id
 * range on the primary key).
 */
export function findSettledRollupBuckets(db: Db, q: { approvalIdFrom: string; since: number; watermark: number }) {
  return db.$queryRaw<Array<{ projectId: string; t: number }>>`
    SELECT DISTINCT r."projectId", (extract(epoch FROM date_bin('600 seconds'::interval, r."createdAt", TIMESTAMP '2000-01-01')) * 1000)::float8 AS t
      FROM "Approval" a JOIN "Run" r ON r.id = a."runId" AND r."projectId" = a."projectId"
     WHERE a.id >= ${q.approvalIdFrom} AND a.status <> 'pending'
       AND r."finishedAt" >= ${utcWallClock(q.since)}::timestamp
       AND r."createdAt" < ${utcWallClock(q.watermark)}::timestamp`;
}
