import type { ApprovalStatus, Db, PrincipalKind } from "@tengine/db";
import { storedPrincipalSchema } from "../principal/principal.ts";
import { type RecordedRequest, readRecordedRequest } from "../runs/stored-exchange.ts";
import { isPlatformToolName } from "../platform/platform-families.ts";
import { redactSecrets } from "../platform/platform-tool.ts";

export type ApprovalView = {
  id: string;
  runId: string;
  toolName: string;
  status: ApprovalStatus;
  principal: { kind: PrincipalKind; keyId?: string; memberId?: string; memberEmail?: string; userId?: string; clientId?: string };
  arguments: unknown;
  /** the rendered request, secrets redacted (null when the run is gone or its column unreadable) */
  request: RecordedRequest | null;
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
    select: { id: true, request: true, status: true, error: true, principalKind: true, apiKeyId: true, memberId: true, memberEmail: true, userId: true, clientId: true },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const view = (a: (typeof pending)[number]) => toApprovalView(a, byId.get(a.runId));
  return { pending: pending.map(view).filter((v) => v !== null), decided: page.map(view).filter((v) => v !== null), nextCursor: decided.length > limit ? page[page.length - 1]!.id : null };
}

/** Pending approvals of a project, for the nav badge. */
export async function countPendingApprovals(db: Db, projectId: string, now = new Date()) {
  return db.approval.count({ where: { projectId, status: "pending", expiresAt: { gt: now } } });
}

type ApprovalRow = Awaited<ReturnType<Db["approval"]["findFirstOrThrow"]>>;
type ApprovalRunColumns = RunPrincipalColumns & { request: unknown; status: string; error: string | null };

/** An approval and its run as users see them; null when neither says who called. */
export function toApprovalView(a: ApprovalRow, run: ApprovalRunColumns | undefined): ApprovalView | null {
  const principal = principalView(a.principal, run);
  // Neither a readable stored principal nor its run (deleted by retention): nothing true to show.
  if (!principal) return null;
  return {
    id: a.id,
    runId: a.runId,
    toolName: a.toolName,
    status: a.status,
    principal,
    // A platform call's header and credential values (an MCP server's) are not shown to approvers.
    arguments: isPlatformToolName(a.toolName) ? redactSecrets(a.arguments) : a.arguments,
    request: readRecordedRequest(run?.request),
    runStatus: run?.status ?? null,
    runError: run?.error ?? null,
    reason: a.reason,
    decidedByEmail: a.decidedByEmail,
    decidedAt: a.decidedAt,
    executedAt: a.executedAt,
    expiresAt: a.expiresAt,
    createdAt: a.createdAt,
  };
}

type RunPrincipalColumns = { principalKind: PrincipalKind; apiKeyId: string | null; memberId: string | null; memberEmail: string | null; userId: string | null; clientId: string | null };

/**
 * Who made the call: the approval's stored principal, validated on read; when it does not
 * parse, the same identity from its run's typed columns.
 */
function principalView(stored: unknown, run: RunPrincipalColumns | undefined): ApprovalView["principal"] | null {
  const parsed = storedPrincipalSchema.safeParse(stored);
  if (parsed.success) {
    const p = parsed.data;
    return {
      kind: p.kind,
      ...(p.keyId ? { keyId: p.keyId } : {}),
      ...(p.memberId ? { memberId: p.memberId } : {}),
      ...(p.member?.email ? { memberEmail: p.member.email } : {}),
      ...(p.userId ? { userId: p.userId } : {}),
      ...(p.clientId ? { clientId: p.clientId } : {}),
    };
  }
  if (!run) return null;
  return {
    kind: run.principalKind,
    ...(run.apiKeyId ? { keyId: run.apiKeyId } : {}),
    ...(run.memberId ? { memberId: run.memberId } : {}),
    ...(run.memberEmail ? { memberEmail: run.memberEmail } : {}),
    ...(run.userId ? { userId: run.userId } : {}),
    ...(run.clientId ? { clientId: run.clientId } : {}),
  };
}
