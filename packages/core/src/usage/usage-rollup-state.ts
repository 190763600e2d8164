import type { Db } from "@tengine/db";

/** Roll-up bucket width: the 24 h chart's step; the 7 d chart's hour is six of them. */
export const ROLLUP_BUCKET_MS = 10 * 60_000;

/** `JobState` row holding the watermark: every bucket starting before it is rolled up. */
export const USAGE_ROLLUP_JOB_STATE = "usage.rollup";
/** `JobState` row holding when settled approval runs were last re-rolled. */
export const USAGE_ROLLUP_SETTLED_STATE = "usage.rollup.settled";

/**
 * The roll-up watermark (exclusive end of the rolled-up buckets), or null before the first
 * roll-up. Charts read `UsageRollup` before it and `Run` from it on.
 */
export async function readUsageWatermark(db: Db): Promise<Date | null> {
  const row = await db.jobState.findUnique({ where: { name: USAGE_ROLLUP_JOB_STATE }, select: { cursor: true } });
  return row?.cursor ?? null;
}
