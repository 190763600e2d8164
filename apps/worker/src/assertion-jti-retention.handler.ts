import { deleteExpiredAssertionJtis } from "@tengine/core";
import type { Db } from "@tengine/db";
import type { Logger } from "./logger.ts";

export const ASSERTION_JTI_RETENTION_JOB = "assertion-jti-retention";

/** Used member-assertion ids live at most 5.5 minutes; sweeping every 10 minutes keeps the table tiny. */
export const ASSERTION_JTI_RETENTION_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes used member-assertion ids (DESIGN §11) whose assertion has expired: a replay of one
 * is refused as expired anyway. One statement, safe on any number of workers at once.
 */
export async function handleAssertionJtiRetention(deps: { db: Db; logger: Logger }, now = new Date()): Promise<{ deleted: number }> {
  const started = Date.now();
  const deleted = await deleteExpiredAssertionJtis(deps.db, now);
  deps.logger.info({ job: ASSERTION_JTI_RETENTION_JOB, deleted, ms: Date.now() - started }, "expired member-assertion ids deleted");
  return { deleted };
}
