import { deleteExpiredIdempotencyKeys } from "@tengine/core";
import type { Db } from "@tengine/db";
import type { Logger } from "./logger.ts";

/**
 * Deletes idempotency records past their expiry. Safe to run on any number of workers at
 * once: the delete is one statement, and a record another worker removed first is simply
 * not counted here. In-flight keys are left to their lease (see `deleteExpiredIdempotencyKeys`).
 */
export async function handleIdempotencyRetention(deps: { db: Db; logger: Logger }, now = new Date()): Promise<{ deleted: number }> {
  const deleted = await deleteExpiredIdempotencyKeys(deps.db, now);
  deps.logger.debug({ job: "idempotency.retention", deleted }, "expired idempotency keys deleted");
  return { deleted };
}
