import type { Db, HotQueries } from "@tengine/db";
import type { StoredToolResult } from "./claim-idempotency-key.ts";

/**
 * Records how a claimed key ended:
 * - `completed`: the upstream answered (any status); later calls replay `result`.
 * - `retryable`: the outcome is unknown (network error, timeout); a later call re-sends with the
 *   same upstream Idempotency-Key.
 * - `released`: nothing was sent (validation, render, SSRF); the key is free again.
 */
export async function settleIdempotencyKey(
  db: Db,
  hot: HotQueries,
  recordId: string,
  runId: string,
  outcome: { kind: "completed"; result: StoredToolResult } | { kind: "retryable" } | { kind: "released" },
) {
  // `runId` guards against overwriting a record another call has since taken over.
  if (outcome.kind === "released") {
    // A fresh claim is simply removed. A taken-over key whose earlier attempt may have
    // reached the upstream stays retryable, so its upstream key is never lost.
    const { count } = await db.idempotencyRecord.deleteMany({ where: { id: recordId, runId, upstreamKey: runId } });
    if (count === 0) await db.idempotencyRecord.updateMany({ where: { id: recordId, runId }, data: { state: "retryable", leaseUntil: null } });
    return;
  }
  await hot.settleIdempotencyKey(recordId, runId, outcome.kind, outcome.kind === "completed" ? outcome.result : null);
}

/** Retention: keys past their expiry are deleted (the worker runs this; DESIGN §8: 24 h). */
export async function deleteExpiredIdempotencyKeys(db: Db, now = new Date()) {
  const { count } = await db.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now }, state: { not: "in_flight" } } });
  return count;
}
