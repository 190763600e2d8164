import { z } from "zod";
import type { Db, Prisma } from "@tengine/db";

/** The idempotency claim a pending call holds, kept on its Approval so the worker settles it. */
export const approvalIdempotencySchema = z.object({ recordId: z.string(), key: z.string(), source: z.string(), upstreamKey: z.string() });
export type ApprovalIdempotency = z.infer<typeof approvalIdempotencySchema>;

/** The `Approval.idempotency` column, validated on read; null when absent or of another shape. */
export function readApprovalIdempotency(value: Prisma.JsonValue | null): ApprovalIdempotency | null {
  const parsed = approvalIdempotencySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
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
