import type { Db } from "@tengine/db";
import { type Role, roleAtLeast } from "../access/roles.ts";
import { type AuditActor, recordAudit } from "../audit/record-audit.ts";
import { AppError } from "../errors/app-error.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import { storedPrincipalSchema } from "../principal/principal.ts";
import { readApprovalIdempotency, releaseApprovalClaim } from "./approval-claim.ts";
import { runChannel } from "./wait-for-run.ts";

/** The part of the worker's JobQueue a decision uses (packages/core/src/jobs/job-queue.ts). */
export type ApprovalJobQueue = {
  enqueue(name: "approval.execute", payload: { approvalId: string }, opts?: { jobId?: string }): Promise<void>;
};

export type DecideApprovalInput = {
  projectId: string;
  approvalId: string;
  actor: AuditActor;
  /** the actor's role in the project's organization: member and above may decide */
  role: Role;
  decision: "approve" | "deny";
  reason?: string;
  /** when given, an approval is handed to the worker at once (otherwise its sweep finds it) */
  queue?: ApprovalJobQueue;
  /** when given, a denial wakes the waiting call at once (otherwise it finds it by polling) */
  pubsub?: PubSub;
  now?: Date;
};

const MAX_REASON = 500;

/**
 * A person's decision on a pending call (DESIGN §7 step 6). Members, admins and owners decide
 * (the same people who may create tools and try them); viewers never. Audited as
 * `approval.approve` / `approval.deny` with the reason. Deny: the run becomes `denied`
 * ("denied by <approver>: <reason>") and nothing is ever sent. Approve: the worker executes the
 * call once. A decision on an expired or already decided approval is a conflict. Nobody decides
 * on their own call: the person whose call is waiting (same user, or same member email) is
 * refused, whichever way they ask (dashboard or CLI).
 */
export async function decideApproval(db: Db, input: DecideApprovalInput) {
  if (!roleAtLeast(input.role, "member")) throw new AppError("forbidden", "deciding approvals needs the member role or above");
  const reason = input.reason?.trim() || undefined;
  if (reason && reason.length > MAX_REASON) throw new AppError("bad_request", `reason must be at most ${MAX_REASON} characters`);
  const now = input.now ?? new Date();
  const status = input.decision === "approve" ? "approved" : "denied";
  const approver = input.actor.email ?? input.actor.userId ?? "an approver";

  const approval = await db.$transaction(async (tx) => {
    const waiting = await tx.approval.findFirst({ where: { id: input.approvalId, projectId: input.projectId }, select: { principal: true } });
    if (!waiting) throw new AppError("not_found", "approval not found");
    if (isOwnCall(waiting.principal, input.actor)) throw new AppError("forbidden", "this call is waiting on your own behalf: another person must decide on it");
    const { count } = await tx.approval.updateMany({
      where: { id: input.approvalId, projectId: input.projectId, status: "pending", expiresAt: { gt: now } },
      data: { status, reason: reason ?? null, decidedByUserId: input.actor.userId ?? null, decidedByEmail: input.actor.email ?? null, decidedAt: now },
    });
    const row = await tx.approval.findFirst({ where: { id: input.approvalId, projectId: input.projectId } });
    if (!row) throw new AppError("not_found", "approval not found");
    if (count !== 1) {
      if (row.status === "pending") throw new AppError("conflict", "this approval has expired");
      throw new AppError("conflict", `this call was already ${row.status}${row.decidedByEmail ? ` by ${row.decidedByEmail}` : ""}`);
    }
    if (status === "denied") {
      await tx.run.updateMany({
        where: { id: row.runId, projectId: input.projectId, status: "pending" },
        data: { status: "denied", error: `denied by ${approver}: ${reason ?? "no reason given"}`, finishedAt: now },
      });
      await releaseApprovalClaim(tx, readApprovalIdempotency(row.idempotency), row.runId);
    }
    const project = await tx.project.findUniqueOrThrow({ where: { id: input.projectId }, select: { orgId: true } });
    await recordAudit(tx, {
      orgId: project.orgId,
      projectId: input.projectId,
      actor: input.actor,
      action: input.decision === "approve" ? "approval.approve" : "approval.deny",
      targetType: "approval",
      targetId: row.id,
      details: { runId: row.runId, tool: row.toolName, ...(reason ? { reason } : {}) },
    });
    return row;
  });

  // Best effort and bounded: the decision is committed, and if Redis is down the worker's
  // sweep and the waiting call's polling find it anyway. A person never waits on Redis.
  if (status === "approved") {
    if (input.queue) await bounded(input.queue.enqueue("approval.execute", { approvalId: approval.id }, { jobId: approval.id }));
  } else if (input.pubsub) {
    await bounded(input.pubsub.publish(runChannel(approval.runId), "run.settled"));
  }
  return { approvalId: approval.id, runId: approval.runId, status };
}

/** Whether `actor` is the principal the waiting call was made for (user id or member email). */
function isOwnCall(stored: unknown, actor: AuditActor): boolean {
  const parsed = storedPrincipalSchema.safeParse(stored);
  if (!parsed.success) return false;
  const principal = parsed.data;
  if (actor.userId && principal.userId === actor.userId) return true;
  const email = actor.email?.toLowerCase();
  return !!email && principal.member?.email?.toLowerCase() === email;
}

const NOTIFY_TIMEOUT_MS = 2_000;

async function bounded(promise: Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, NOTIFY_TIMEOUT_MS)))]);
  clearTimeout(timer);
}
