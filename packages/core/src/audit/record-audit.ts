import type { Db, Prisma } from "@tengine/db";
import { newId } from "../ids/new-id.ts";

export type AuditActor = { userId?: string; email?: string };

/**
 * Appends to the audit log. `details` describe the change (names, scopes, flags) and must
 * never contain secret values.
 */
export async function recordAudit(
  db: Db | Prisma.TransactionClient,
  entry: { orgId: string; projectId?: string; actor: AuditActor; action: string; targetType?: string; targetId?: string; details?: Record<string, unknown> },
) {
  await db.auditLog.create({
    data: {
      id: newId("audit"),
      orgId: entry.orgId,
      projectId: entry.projectId ?? null,
      actorUserId: entry.actor.userId ?? null,
      actorEmail: entry.actor.email ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: (entry.details ?? undefined) as object | undefined,
    },
  });
}

/** Filters of the audit log; every one optional. */
export type AuditFilters = {
  projectId?: string;
  /** an action (`tool.update`), or every action of a kind with a trailing `*` (`tool.*`) */
  action?: string;
  /** the actor's email, as recorded (the CLI records "tengine CLI" when no person is named) */
  actorEmail?: string;
  since?: Date;
  until?: Date;
};

/** Newest first, keyset-paginated on the time-sortable id; scoped to the organization. */
export async function listAudit(db: Db, orgId: string, options: { cursor?: string; limit?: number } & AuditFilters = {}) {
  const limit = Math.min(options.limit ?? 50, 200);
  const action = options.action?.endsWith("*") ? { startsWith: options.action.slice(0, -1) } : options.action;
  const createdAt = options.since || options.until ? { ...(options.since ? { gte: options.since } : {}), ...(options.until ? { lt: options.until } : {}) } : undefined;
  const rows = await db.auditLog.findMany({
    where: {
      orgId,
      ...(options.cursor ? { id: { lt: options.cursor } } : {}),
      ...(options.projectId ? { projectId: options.projectId } : {}),
      ...(action ? { action } : {}),
      ...(options.actorEmail ? { actorEmail: options.actorEmail } : {}),
      ...(createdAt ? { createdAt } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return { entries: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}
