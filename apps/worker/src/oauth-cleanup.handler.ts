import { deleteExpiredOAuthRows, type OAuthCleanupResult } from "@tengine/core";
import type { Db } from "@tengine/db";

/** `oauth.cleanup`: expired authorization requests, codes and refresh tokens. */
export async function handleOAuthCleanup(deps: { db: Db }, now = new Date()): Promise<OAuthCleanupResult> {
  return deleteExpiredOAuthRows(deps.db, now);
}
