import type { Db, Prisma } from "@tengine/db";

/** The idempotency claim a pending call holds, kept on its Approval so the worker settles it. */
export type ApprovalIdempotency = { recordId: string; key: string; source: string; upstreamKey: string };

export function readApprovalIdempotency(value: Prisma.JsonValue | null): ApprovalIdempotency | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  return typeof v.recordId === "string" && typeof v.upstreamKey === "string" && typeof v.key === "string" && typeof v.source === "string"
    ? { recordId: v.recordId, key: v.key, source: v.source, upstreamKey: v.upstreamKey }
    : null;
}

/**
 * Frees the key of a call that was never sent (denied, expired, refused at execution): a retry
 * asks again instead of replaying the refusal. A key whose upstream key came from an earlier
 * attempt stays retryable, so that key is never lost (as `settleIdempotencyKey` "released").
 */
export async function releaseApprovalClaim(db: Db | Prisma.TransactionClient, claim: ApprovalIdempotency | null, runId: string) {
  if (!claim) return;
  const { count } = await db.idempotencyRecord.deleteMany({ where: { id: claim.recordId, runId, upstreamKey: runId } });
  if (count === 0) await db.idempotencyRecord.updateMany({ where: { id: claim.recordId, runId }, data: { state: "retryable", leaseUntil: null } });
}
