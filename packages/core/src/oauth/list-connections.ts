import type { Db, Prisma } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";

export type ConnectionStatus = "active" | "revoked";

/** A connection as admins and its user see it: who, which client, what it may do, when. */
export type ConnectionView = {
  id: string;
  project: { id: string; slug: string; name: string };
  user: { id: string; email: string; name: string | null };
  client: { id: string; name: string };
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** user | admin | refresh_reuse | code_replay */
  revokedReason: string | null;
  status: ConnectionStatus;
};

/**
 * Connections (DESIGN §11), newest first. `projectId` alone: every connection of the project
 * (the admin view); `userId` alone: the user's own connections across all projects (the
 * "My connections" view); both: the user's connections in that project. The caller decides
 * who may see which view; at least one of the two is required so no query is unscoped.
 */
export async function listConnections(db: Db, scope: { projectId?: string; userId?: string; limit?: number }): Promise<ConnectionView[]> {
  if (!scope.projectId && !scope.userId) throw new AppError("bad_request", "listConnections needs a project or a user");
  const where: Prisma.OAuthConnectionWhereInput = { ...(scope.projectId ? { projectId: scope.projectId } : {}), ...(scope.userId ? { userId: scope.userId } : {}) };
  const rows = await db.oAuthConnection.findMany({
    where,
    orderBy: { id: "desc" },
    take: Math.min(scope.limit ?? 500, 1000),
    select: {
      id: true,
      clientId: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      revokedReason: true,
      project: { select: { id: true, slug: true, name: true } },
      user: { select: { id: true, email: true, name: true } },
    },
  });
  // OAuthConnection has no relation to OAuthClient (clients are global, registered by DCR):
  // one lookup for the names of the clients on this page.
  const clientIds = [...new Set(rows.map((r) => r.clientId))];
  const clients = clientIds.length ? await db.oAuthClient.findMany({ where: { id: { in: clientIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(clients.map((c) => [c.id, c.name]));
  return rows.map(({ clientId, ...row }) => ({
    ...row,
    client: { id: clientId, name: names.get(clientId) ?? clientId },
    status: row.revokedAt ? "revoked" : "active",
  }));
}
