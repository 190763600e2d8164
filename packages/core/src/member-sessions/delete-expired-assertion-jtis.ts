import type { Db } from "@tengine/db";

/**
 * Retention: used assertion ids past their expiry are deleted (the worker runs this). An
 * expired row is safe to drop: its assertion's `exp` has passed, so a replay is refused as
 * expired anyway.
 */
export async function deleteExpiredAssertionJtis(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.memberAssertionJti.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
