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

/** Newest first, keyset-paginated on the time-sortable id. */
export async function listAudit(db: Db, orgId: string, options: { cursor?: string; limit?: number } = {}) {
  const limit = Math.min(options.limit ?? 50, 200);
  const rows = await db.auditLog.findMany({
    where: { orgId, ...(options.cursor ? { id: { lt: options.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return { entries: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}
