import { z } from "zod";
import { type Db, readRollupUsage, readRunUsage, RUN_ERROR_STATUSES, type UsageStatsRow, type UsageToolRow, utcWallClock } from "@tengine/db";
import { addHistogram, histogramPercentile, LATENCY_BOUNDS, LATENCY_BUCKETS } from "./latency-histogram.ts";
import { readUsageWatermark } from "./usage-rollup-state.ts";

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

/** Statuses that count as errors in the error rate. */
export const ERROR_STATUSES = RUN_ERROR_STATUSES;

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

export type UsageTool = UsageToolRow;

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

type StatsRow = UsageStatsRow;

/**
 * Call volume, error rate, gateway and upstream latency percentiles and the busiest tools of
 * one project over the last 24 hours or 7 days. Buckets are aligned to wall-clock boundaries
 * (UTC) and the empty ones are filled in, so a chart gets a continuous time axis; the last
 * bucket is the current, partial one.
 *
 * Where the `usage.rollup` job has run, the part of the window before its watermark is read
 * from `UsageRollup` (10-minute aggregates) and only the runs after it from `Run`, so the
 * 7-day chart reads a few thousand roll-up rows instead of every run of the week. Counts are
 * exact either way. Percentiles of a bucket (or of the window, or of a tool) that includes
 * rolled-up time are estimated from latency histograms: exact below 10 ms, within 20 %
 * above (see latency-histogram.ts); those over runs only are computed exactly in SQL. Without
 * roll-ups for the window everything is computed from `Run` as before.
 *
 * `Run.createdAt` is `timestamp(3)` without time zone holding UTC, so bounds are passed as
 * UTC wall-clock strings and bucket starts come back as epoch milliseconds.
 */
export async function getProjectUsage(db: Db, projectId: string, options: { range: UsageRange; now?: Date; topTools?: number; watermark?: Date | null; /** one tool's usage only (the tool page) */ toolName?: string }): Promise<ProjectUsage> {
  const range = usageRangeSchema.parse(options.range);
  const { stepMs, buckets: count } = USAGE_RANGE_SPEC[range];
  const now = options.now ?? new Date();
  const lastBucket = Math.floor(now.getTime() / stepMs) * stepMs;
  const sinceMs = lastBucket - (count - 1) * stepMs;
  const since = utcWallClock(sinceMs);
  const until = utcWallClock(now.getTime());
  const limit = options.topTools ?? 8;

  const watermark = options.watermark !== undefined ? options.watermark : await readUsageWatermark(db);
  const wm = watermark ? Math.min(watermark.getTime(), now.getTime()) : null;
  const toolName = options.toolName;
  if (wm !== null && wm > sinceMs) return readWithRollups(db, projectId, { range, stepMs, count, sinceMs, wm, now, limit, ...(toolName !== undefined ? { toolName } : {}) });

  // Latency percentiles skip runs without a measurement (aggregates ignore NULLs): a
  // deduplicated or denied run has no upstream time.
  const [bucketRows, totalRows, toolRows] = await readRunUsage(db, { projectId, since, until, stepMs, limit, ...(toolName !== undefined ? { toolName } : {}) });

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

type Window = { range: UsageRange; stepMs: number; count: number; sinceMs: number; wm: number; now: Date; limit: number; toolName?: string };
type Agg = { calls: number; errors: number; gateway: number[]; upstream: number[] };

/**
 * The window read as roll-ups before the watermark `wm` and runs from it on. Counts add up;
 * histograms add up; a chart bucket entirely after the watermark keeps exact percentiles.
 */
async function readWithRollups(db: Db, projectId: string, w: Window): Promise<ProjectUsage> {
  const { stepMs, count, sinceMs, wm, now } = w;
  const [rollups, tailCounts, tailHists, tailExact] = await readRollupUsage(db, {
    projectId,
    since: utcWallClock(sinceMs),
    mark: utcWallClock(wm),
    until: utcWallClock(now.getTime()),
    stepMs,
    bounds: LATENCY_BOUNDS as number[],
    slots: LATENCY_BUCKETS,
    ...(w.toolName !== undefined ? { toolName: w.toolName } : {}),
  });

  const empty = (): Agg => ({ calls: 0, errors: 0, gateway: [], upstream: [] });
  const byBucket = new Map<number, Agg>();
  const byTool = new Map<string, Agg>();
  const total = empty();
  const get = <K>(map: Map<K, Agg>, key: K) => {
    let agg = map.get(key);
    if (!agg) map.set(key, (agg = empty()));
    return agg;
  };
  for (const row of [...rollups, ...tailCounts]) {
    for (const agg of [get(byBucket, Number(row.t)), get(byTool, row.toolName), total]) {
      agg.calls += row.calls;
      agg.errors += row.errors;
    }
  }
  for (const row of rollups) {
    const gateway = Array.from({ length: LATENCY_BUCKETS }, (_, k) => row[`g${k}`] ?? 0);
    const upstream = Array.from({ length: LATENCY_BUCKETS }, (_, k) => row[`u${k}`] ?? 0);
    for (const agg of [get(byBucket, Number(row.t)), get(byTool, row.toolName), total]) {
      addHistogram(agg.gateway, gateway);
      addHistogram(agg.upstream, upstream);
    }
  }
  for (const row of tailHists) {
    for (const agg of [get(byBucket, Number(row.t)), get(byTool, row.toolName), total]) {
      const hist = row.k === "g" ? agg.gateway : agg.upstream;
      while (hist.length <= row.i) hist.push(0);
      hist[row.i] = (hist[row.i] as number) + row.n;
    }
  }
  const exact = new Map(tailExact.map((row) => [Number(row.t), row]));
  const pct = (hist: number[], p: number) => ms(histogramPercentile(hist, p));

  const buckets: UsageBucket[] = [];
  for (let i = 0; i < count; i++) {
    const t = sinceMs + i * stepMs;
    const agg = byBucket.get(t) ?? empty();
    const minutes = Math.max(1, Math.min(stepMs, now.getTime() - t) / 60_000);
    // Entirely after the watermark: the exact percentiles over its runs.
    const precise = t >= wm ? exact.get(t) : undefined;
    buckets.push({
      t: new Date(t).toISOString(),
      calls: agg.calls,
      errors: agg.errors,
      callsPerMinute: round(agg.calls / minutes, 2),
      errorsPerMinute: round(agg.errors / minutes, 2),
      errorRate: agg.calls > 0 ? agg.errors / agg.calls : null,
      gatewayP50: precise ? ms(precise.gatewayP50) : pct(agg.gateway, 0.5),
      gatewayP95: precise ? ms(precise.gatewayP95) : pct(agg.gateway, 0.95),
      upstreamP50: precise ? ms(precise.upstreamP50) : pct(agg.upstream, 0.5),
      upstreamP95: precise ? ms(precise.upstreamP95) : pct(agg.upstream, 0.95),
    });
  }
  const topTools = [...byTool.entries()]
    .filter(([, agg]) => agg.calls > 0)
    .sort(([a, x], [b, y]) => y.calls - x.calls || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, w.limit)
    .map(([toolName, agg]) => ({ toolName, calls: agg.calls, errors: agg.errors, gatewayP95: pct(agg.gateway, 0.95), upstreamP95: pct(agg.upstream, 0.95) }));
  return {
    range: w.range,
    stepMs,
    since: new Date(sinceMs).toISOString(),
    until: now.toISOString(),
    buckets,
    totals: {
      calls: total.calls,
      errors: total.errors,
      errorRate: total.calls > 0 ? total.errors / total.calls : null,
      gatewayP50: pct(total.gateway, 0.5),
      gatewayP95: pct(total.gateway, 0.95),
      upstreamP50: pct(total.upstream, 0.5),
      upstreamP95: pct(total.upstream, 0.95),
    },
    topTools,
  };
}

/** Latency in ms with one decimal (percentile_cont interpolates between samples). */
function ms(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : round(Number(value), 1);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
