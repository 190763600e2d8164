import { deleteExpiredAssertionJtis } from "@tengine/core";
import type { Db } from "@tengine/db";
import type { Logger } from "./logger.ts";

/**
 * Deletes used member-assertion ids (DESIGN §11) whose assertion has expired: a replay of one
 * is refused as expired anyway. One statement, safe on any number of workers at once.
 */
export async function handleAssertionJtiRetention(deps: { db: Db; logger: Logger }, now = new Date()): Promise<{ deleted: number }> {
  const deleted = await deleteExpiredAssertionJtis(deps.db, now);
  deps.logger.debug({ job: "assertion-jti.retention", deleted }, "expired member-assertion ids deleted");
  return { deleted };
}
