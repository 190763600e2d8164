import { rollUpUsage, type RollUpUsageResult } from "@tengine/core";
import type { Db } from "@tengine/db";

/** `usage.rollup`: closed 10-minute buckets of runs into UsageRollup (dashboard charts). */
export async function handleUsageRollup(deps: { db: Db }, opts: { now?: Date; signal?: AbortSignal } = {}): Promise<RollUpUsageResult> {
  return rollUpUsage(deps.db, opts);
}
