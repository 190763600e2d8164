import type { ApprovalStatus, Db, PrincipalKind } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";

export type ApprovalView = {
  id: string;
  runId: string;
  toolName: string;
  status: ApprovalStatus;
  principal: { kind: PrincipalKind; keyId?: string; memberId?: string; memberEmail?: string; userId?: string; clientId?: string };
  arguments: unknown;
  /** the rendered request, secrets redacted */
  request: unknown;
  runStatus: string | null;
  runError: string | null;
  reason: string | null;
  decidedByEmail: string | null;
  decidedAt: Date | null;
  executedAt: Date | null;
  expiresAt: Date;
  createdAt: Date;
};

/**
 * The project's approval queue: pending calls oldest first (the next to decide on top), and
 * decided ones newest first, keyset-paginated on the time-sortable id (`cursor` = the last id of
 * the previous page). Everything is scoped to the project.
 */
export async function listApprovals(db: Db, projectId: string, options: { cursor?: string; limit?: number; now?: Date } = {}) {
  const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
  const now = options.now ?? new Date();
  const [pending, decided] = await Promise.all([
    db.approval.findMany({ where: { projectId, status: "pending", expiresAt: { gt: now } }, orderBy: { id: "asc" }, take: 100 }),
    db.approval.findMany({
      where: { projectId, status: { not: "pending" }, ...(options.cursor ? { id: { lt: options.cursor } } : {}) },
      orderBy: { id: "desc" },
      take: limit + 1,
    }),
  ]);
  const page = decided.slice(0, limit);
  const runs = await db.run.findMany({
    where: { projectId, id: { in: [...pending, ...page].map((a) => a.runId) } },
    select: { id: true, request: true, status: true, error: true },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const view = (a: (typeof pending)[number]): ApprovalView => {
    const p = a.principal as unknown as Principal;
    const run = byId.get(a.runId);
    return {
      id: a.id,
      runId: a.runId,
      toolName: a.toolName,
      status: a.status,
      principal: {
        kind: p.kind,
        ...(p.keyId ? { keyId: p.keyId } : {}),
        ...(p.memberId ? { memberId: p.memberId } : {}),
        ...(p.member?.email ? { memberEmail: p.member.email } : {}),
        ...(p.userId ? { userId: p.userId } : {}),
        ...(p.clientId ? { clientId: p.clientId } : {}),
      },
      arguments: a.arguments,
      request: run?.request ?? null,
      runStatus: run?.status ?? null,
      runError: run?.error ?? null,
      reason: a.reason,
      decidedByEmail: a.decidedByEmail,
      decidedAt: a.decidedAt,
      executedAt: a.executedAt,
      expiresAt: a.expiresAt,
      createdAt: a.createdAt,
    };
  };
  return { pending: pending.map(view), decided: page.map(view), nextCursor: decided.length > limit ? page[page.length - 1]!.id : null };
}

/** Pending approvals of a project, for the nav badge. */
export async function countPendingApprovals(db: Db, projectId: string, now = new Date()) {
  return db.approval.count({ where: { projectId, status: "pending", expiresAt: { gt: now } } });
}
