import { deleteOldSignInAttempts } from "@tengine/core";
import type { Db } from "@tengine/db";

/** `sign-in-attempts.retention`: failed dashboard sign-ins older than a day. */
export async function handleSignInAttemptsRetention(deps: { db: Db }, now = new Date()): Promise<{ deleted: number }> {
  return { deleted: await deleteOldSignInAttempts(deps.db, now) };
}
