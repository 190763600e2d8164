import type { Db } from "@tengine/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import { type Principal, principalKey, storedPrincipalSchema } from "../principal/principal.ts";
import { readApprovalIdempotency, releaseApprovalClaim } from "./approval-claim.ts";
import { runChannel } from "./wait-for-run.ts";

export const DECLINED_IN_CLIENT = "declined by the user in the client";

/**
 * The caller's own "no", answered to the MCP elicitation shown while the call waited: the
 * pending approval is denied (nothing is sent) with the reason "declined by the user in the
 * client", audited as `approval.deny`. Only the principal that made the call can decline it;
 * an approval already decided is left alone. Returns whether it denied.
 */
export async function declineApprovalInClient(db: Db, input: { projectId: string; runId: string; principal: Principal; pubsub?: PubSub; now?: Date }): Promise<boolean> {
  const now = input.now ?? new Date();
  const denied = await db.$transaction(async (tx) => {
    const approval = await tx.approval.findFirst({ where: { runId: input.runId, projectId: input.projectId } });
    // An unreadable stored principal matches no caller: only the operator can decide it.
    const stored = approval ? storedPrincipalSchema.safeParse(approval.principal) : undefined;
    if (!approval || !stored?.success || principalKey(stored.data) !== principalKey(input.principal)) return null;
    const { count } = await tx.approval.updateMany({
      where: { id: approval.id, status: "pending" },
      data: { status: "denied", reason: DECLINED_IN_CLIENT, decidedByUserId: input.principal.userId ?? null, decidedByEmail: input.principal.member?.email ?? null, decidedAt: now },
    });
    if (count !== 1) return null;
    await tx.run.updateMany({ where: { id: input.runId, projectId: input.projectId, status: "pending" }, data: { status: "denied", error: DECLINED_IN_CLIENT, finishedAt: now } });
    await releaseApprovalClaim(tx, readApprovalIdempotency(approval.idempotency), input.runId);
    const project = await tx.project.findUniqueOrThrow({ where: { id: input.projectId }, select: { orgId: true } });
    await recordAudit(tx, {
      orgId: project.orgId,
      projectId: input.projectId,
      actor: { ...(input.principal.userId ? { userId: input.principal.userId } : {}), ...(input.principal.member?.email ? { email: input.principal.member.email } : {}) },
      action: "approval.deny",
      targetType: "approval",
      targetId: approval.id,
      details: { runId: input.runId, tool: approval.toolName, reason: DECLINED_IN_CLIENT, via: "elicitation", principal: principalKey(input.principal) },
    });
    return approval;
  });
  if (denied) await input.pubsub?.publish(runChannel(input.runId), "run.settled").catch(() => {});
  return denied !== null;
}
