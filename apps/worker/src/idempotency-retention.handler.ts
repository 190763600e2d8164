import { deleteExpiredIdempotencyKeys } from "@tengine/core";
import type { Db } from "@tengine/db";
import type { Logger } from "./logger.ts";

export const IDEMPOTENCY_RETENTION_JOB = "idempotency-retention";

/** How often expired keys are swept; their 24 h expiry (DESIGN §8) makes minutes precise enough. */
export const IDEMPOTENCY_RETENTION_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes idempotency records past their expiry. Safe to run on any number of workers at
 * once: the delete is one statement, and a record another worker removed first is simply
 * not counted here. In-flight keys are left to their lease (see `deleteExpiredIdempotencyKeys`).
 */
export async function handleIdempotencyRetention(deps: { db: Db; logger: Logger }, now = new Date()): Promise<{ deleted: number }> {
  const started = Date.now();
  const deleted = await deleteExpiredIdempotencyKeys(deps.db, now);
  deps.logger.info({ job: IDEMPOTENCY_RETENTION_JOB, deleted, ms: Date.now() - started }, "expired idempotency keys deleted");
  return { deleted };
}
