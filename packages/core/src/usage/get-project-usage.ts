import { z } from "zod";
import { type Db, Prisma } from "@tengine/db";

export const USAGE_RANGES = ["24h", "7d"] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];

/**
 * Bucket width and count per range: 144 ten-minute buckets for a day, 168 hourly ones for a
 * week. Per-minute buckets over 24 h (1,440 points) read as noise at low traffic; ten minutes
 * keeps the shape of a day while `callsPerMinute` still reports a per-minute rate.
 */
export const USAGE_RANGE_SPEC: Record<UsageRange, { stepMs: number; buckets: number; label: string }> = {
  "24h": { stepMs: 10 * 60_000, buckets: 144, label: "10 minutes" },
  "7d": { stepMs: 60 * 60_000, buckets: 168, label: "hour" },
};

export const usageRangeSchema = z.enum(USAGE_RANGES);

/** Statuses that count as errors in the error rate (DESIGN §10). */
export const ERROR_STATUSES = ["failed", "denied", "rate_limited"] as const;

// Built from the constant above, never from input.
const isError = Prisma.raw(`status IN (${ERROR_STATUSES.map((s) => `'${s}'`).join(", ")})`);

export type UsageBucket = {
  /** start of the bucket, ISO 8601 UTC */
  t: string;
  calls: number;
  errors: number;
  /** calls / bucket minutes (for the current, partial bucket: / minutes elapsed, at least 1) */
  callsPerMinute: number;
  errorsPerMinute: number;
  /** errors / calls, 0..1; null for a bucket without calls */
  errorRate: number | null;
  /** latency percentiles in ms (gateway time excludes the upstream); null without samples */
  gatewayP50: number | null;
  gatewayP95: number | null;
  upstreamP50: number | null;
  upstreamP95: number | null;
};

export type UsageTotals = {
  calls: number;
  errors: number;
  errorRate: number | null;
  gatewayP50: number | null;
  gatewayP95: number | null;
  upstreamP50: number | null;
  upstreamP95: number | null;
};

export type UsageTool = { toolName: string; calls: number; errors: number; gatewayP95: number | null; upstreamP95: number | null };

export type ProjectUsage = {
  range: UsageRange;
  /** bucket width in ms */
  stepMs: number;
  /** first bucket start and end of the window (now), ISO 8601 UTC */
  since: string;
  until: string;
  buckets: UsageBucket[];
  totals: UsageTotals;
  topTools: UsageTool[];
};

type StatsRow = {
  calls: number;
  errors: number;
  gatewayP50: number | null;
  gatewayP95: number | null;
  upstreamP50: number | null;
  upstreamP95: number | null;
};

/**
 * Call volume, error rate, gateway and upstream latency percentiles and the busiest tools of
 * one project over the last 24 hours or 7 days, aggregated in SQL over `Run` (an index range
 * scan on (projectId, createdAt)). Buckets are aligned to wall-clock boundaries (UTC) and the
 * empty ones are filled in, so a chart gets a continuous time axis; the last bucket is the
 * current, partial one. Percentiles are computed per bucket and over the whole window (they
 * cannot be combined from buckets).
 *
 * `Run.createdAt` is `timestamp(3)` without time zone holding UTC, so bounds are passed as
 * UTC wall-clock strings and bucket starts come back as epoch milliseconds.
 */
export async function getProjectUsage(db: Db, projectId: string, options: { range: UsageRange; now?: Date; topTools?: number }): Promise<ProjectUsage> {
  const range = usageRangeSchema.parse(options.range);
  const { stepMs, buckets: count } = USAGE_RANGE_SPEC[range];
  const now = options.now ?? new Date();
  const lastBucket = Math.floor(now.getTime() / stepMs) * stepMs;
  const sinceMs = lastBucket - (count - 1) * stepMs;
  const since = utcWallClock(new Date(sinceMs));
  const until = utcWallClock(now);
  const step = `${stepMs / 1000} seconds`;
  const limit = options.topTools ?? 8;

  // Latency percentiles skip runs without a measurement (aggregates ignore NULLs): a
  // deduplicated or denied run has no upstream time.
  const [bucketRows, totalRows, toolRows] = await Promise.all([
    db.$queryRaw<Array<StatsRow & { t: number }>>`
      SELECT (extract(epoch FROM date_bin(${step}::interval, "createdAt", TIMESTAMP '2000-01-01')) * 1000)::float8 AS t,
             count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP50",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP95",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP50",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP95"
        FROM "Run"
       WHERE "projectId" = ${projectId} AND "createdAt" >= ${since}::timestamp AND "createdAt" <= ${until}::timestamp
       GROUP BY 1`,
    db.$queryRaw<StatsRow[]>`
      SELECT count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP50",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP95",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP50",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP95"
        FROM "Run"
       WHERE "projectId" = ${projectId} AND "createdAt" >= ${since}::timestamp AND "createdAt" <= ${until}::timestamp`,
    db.$queryRaw<UsageTool[]>`
      SELECT "toolName",
             count(*)::int AS calls,
             count(*) FILTER (WHERE ${isError})::int AS errors,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "gatewayMs") AS "gatewayP95",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamMs") AS "upstreamP95"
        FROM "Run"
       WHERE "projectId" = ${projectId} AND "createdAt" >= ${since}::timestamp AND "createdAt" <= ${until}::timestamp
       GROUP BY "toolName"
       ORDER BY calls DESC, "toolName" ASC
       LIMIT ${limit}`,
  ]);

  const byStart = new Map(bucketRows.map((row) => [Number(row.t), row]));
  const buckets: UsageBucket[] = [];
  for (let i = 0; i < count; i++) {
    const t = sinceMs + i * stepMs;
    const row = byStart.get(t);
    const calls = row?.calls ?? 0;
    const errors = row?.errors ?? 0;
    // The last bucket is still filling: its rate is over the minutes it has had so far.
    const minutes = Math.max(1, Math.min(stepMs, now.getTime() - t) / 60_000);
    buckets.push({
      t: new Date(t).toISOString(),
      calls,
      errors,
      callsPerMinute: round(calls / minutes, 2),
      errorsPerMinute: round(errors / minutes, 2),
      errorRate: calls > 0 ? errors / calls : null,
      gatewayP50: ms(row?.gatewayP50),
      gatewayP95: ms(row?.gatewayP95),
      upstreamP50: ms(row?.upstreamP50),
      upstreamP95: ms(row?.upstreamP95),
    });
  }

  const total = totalRows[0];
  const totals: UsageTotals = {
    calls: total?.calls ?? 0,
    errors: total?.errors ?? 0,
    errorRate: total && total.calls > 0 ? total.errors / total.calls : null,
    gatewayP50: ms(total?.gatewayP50),
    gatewayP95: ms(total?.gatewayP95),
    upstreamP50: ms(total?.upstreamP50),
    upstreamP95: ms(total?.upstreamP95),
  };

  return {
    range,
    stepMs,
    since: new Date(sinceMs).toISOString(),
    until: now.toISOString(),
    buckets,
    totals,
    topTools: toolRows.map((row) => ({ toolName: row.toolName, calls: row.calls, errors: row.errors, gatewayP95: ms(row.gatewayP95), upstreamP95: ms(row.upstreamP95) })),
  };
}

/** `timestamp without time zone` literal of a UTC instant (the column's convention). */
function utcWallClock(date: Date): string {
  return date.toISOString().replace("Z", "");
}

/** Latency in ms with one decimal (percentile_cont interpolates between samples). */
function ms(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : round(Number(value), 1);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
