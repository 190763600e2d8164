import { aggregateRunsForRollup, type Db, findSettledRollupBuckets, type RunStatus } from "@tengine/db";
import { idAtTime } from "../ids/new-id.ts";
import { LATENCY_BOUNDS, trimHistogram } from "./latency-histogram.ts";
import { ROLLUP_BUCKET_MS, USAGE_ROLLUP_JOB_STATE, USAGE_ROLLUP_SETTLED_STATE } from "./usage-rollup-state.ts";

/**
 * A bucket is rolled up once it ended this long ago. A run row is written when its call ends
 * but carries the call's start time; a call lasts at most 5 attempts × 120 s plus backoff.
 */
export const ROLLUP_LAG_MS = 15 * 60_000;
/** How far back the first roll-up starts: the 7-day chart plus a margin. */
export const ROLLUP_HORIZON_MS = 8 * 86_400_000;
/** Roll-ups older than this are deleted (the charts read 7 days at most). */
export const ROLLUP_RETENTION_MS = 35 * 86_400_000;

export type RollUpUsageOptions = {
  now?: Date;
  /** Buckets per transaction (one day by default), so each write stays short. */
  bucketsPerPass?: number;
  signal?: AbortSignal;
};

export type RollUpUsageResult = {
  /** buckets (all projects) rolled up this time */
  buckets: number;
  /** UsageRollup rows written */
  rows: number;
  /** buckets re-rolled because an approval settled a run inside them */
  reRolled: number;
  watermark: Date | null;
};

type Key = { projectId: string; t: number; toolName: string; status: RunStatus };

/**
 * `usage.rollup`: aggregates closed 10-minute buckets of `Run` into `UsageRollup` (calls and
 * gateway/upstream latency histograms per project, bucket, tool and status) and advances the
 * watermark in `JobState`. Idempotent: each bucket range is recomputed from the runs and
 * replaced (delete + insert in one transaction), so a re-run, a crash mid-way or two workers
 * at once leave the same rows. Pending runs settled later by an approval change status after
 * their bucket was rolled up; their buckets are recomputed from the approvals settled since
 * the last pass.
 */
export async function rollUpUsage(db: Db, options: RollUpUsageOptions = {}): Promise<RollUpUsageResult> {
  const now = options.now ?? new Date();
  const perPass = options.bucketsPerPass ?? 144;
  const closedUntil = Math.floor((now.getTime() - ROLLUP_LAG_MS) / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const state = await db.jobState.findUnique({ where: { name: USAGE_ROLLUP_JOB_STATE }, select: { cursor: true } });
  let from = state?.cursor?.getTime() ?? Math.floor((now.getTime() - ROLLUP_HORIZON_MS) / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  let buckets = 0;
  let rows = 0;
  while (from < closedUntil && !options.signal?.aborted) {
    const to = Math.min(closedUntil, from + perPass * ROLLUP_BUCKET_MS);
    rows += await rollUpRange(db, { from, to, advanceTo: to });
    buckets += (to - from) / ROLLUP_BUCKET_MS;
    from = to;
  }
  const watermark = state?.cursor || buckets > 0 ? new Date(from) : null;
  const reRolled = await reRollSettled(db, now, from);
  await db.usageRollup.deleteMany({ where: { bucketStart: { lt: new Date(now.getTime() - ROLLUP_RETENTION_MS) } } });
  return { buckets, rows, reRolled, watermark };
}

/**
 * Recomputes buckets [from, to) of every project (or of one project) and, with `advanceTo`,
 * moves the watermark, all in one transaction.
 */
async function rollUpRange(db: Db, range: { from: number; to: number; projectId?: string; advanceTo?: number }): Promise<number> {
  // One scan of the range: each run contributes a gateway and an upstream sample.
  const agg = await aggregateRunsForRollup(db, { from: range.from, to: range.to, bounds: LATENCY_BOUNDS as number[], ...(range.projectId ? { projectId: range.projectId } : {}) });
  const groups = new Map<string, { key: Key; calls: number; gateway: number[]; upstream: number[] }>();
  for (const row of agg) {
    const id = `${row.projectId}\u0000${row.t}\u0000${row.toolName}\u0000${row.status}`;
    let group = groups.get(id);
    if (!group) {
      group = { key: { projectId: row.projectId, t: Number(row.t), toolName: row.toolName, status: row.status }, calls: 0, gateway: [], upstream: [] };
      groups.set(id, group);
    }
    if (row.k === "g") group.calls += row.n;
    if (row.i !== null) {
      const hist = row.k === "g" ? group.gateway : group.upstream;
      while (hist.length <= row.i) hist.push(0);
      hist[row.i] = (hist[row.i] as number) + row.n;
    }
  }
  const data = [...groups.values()].map((g) => ({
    projectId: g.key.projectId,
    bucketStart: new Date(g.key.t),
    toolName: g.key.toolName,
    status: g.key.status,
    calls: g.calls,
    gatewayHist: trimHistogram(g.gateway),
    upstreamHist: trimHistogram(g.upstream),
  }));
  const where = { bucketStart: { gte: new Date(range.from), lt: new Date(range.to) }, ...(range.projectId ? { projectId: range.projectId } : {}) };
  await db.$transaction([
    db.usageRollup.deleteMany({ where }),
    ...(data.length > 0 ? [db.usageRollup.createMany({ data })] : []),
    ...(range.advanceTo !== undefined
      ? [
          db.jobState.upsert({
            where: { name: USAGE_ROLLUP_JOB_STATE },
            create: { name: USAGE_ROLLUP_JOB_STATE, cursor: new Date(range.advanceTo) },
            update: { cursor: new Date(range.advanceTo) },
          }),
        ]
      : []),
  ]);
  return data.length;
}

/**
 * Buckets below the watermark whose pending runs were settled (approved and executed, denied
 * or expired) since the last pass are recomputed. Settling sets the run's `finishedAt`; the
 * approvals looked at are those created within the roll-up horizon (an id range on the
 * primary key), and the last pass time is kept with a margin for transactions in flight.
 */
async function reRollSettled(db: Db, now: Date, watermark: number): Promise<number> {
  const state = await db.jobState.findUnique({ where: { name: USAGE_ROLLUP_SETTLED_STATE }, select: { cursor: true } });
  const since = state?.cursor ?? new Date(now.getTime() - ROLLUP_HORIZON_MS);
  const settled = await findSettledRollupBuckets(db, { approvalIdFrom: idAtTime("approval", now.getTime() - ROLLUP_HORIZON_MS), since: since.getTime(), watermark });
  for (const { projectId, t } of settled) {
    const start = Number(t);
    await rollUpRange(db, { from: start, to: start + ROLLUP_BUCKET_MS, projectId });
  }
  const next = new Date(now.getTime() - 5 * 60_000);
  await db.jobState.upsert({ where: { name: USAGE_ROLLUP_SETTLED_STATE }, create: { name: USAGE_ROLLUP_SETTLED_STATE, cursor: next }, update: { cursor: next } });
  return settled.length;
}
