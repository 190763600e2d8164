import type { Db, Prisma } from "@tengine/db";
import { recordAudit } from "../audit/record-audit.ts";

/**
 * Why the authorization server itself ended a connection: a replayed authorization code, a
 * rotated refresh token reused after the grace window, or the client revoking its token
 * (RFC 7009). Users and admins end connections through revokeConnection.
 */
export type ConnectionEndReason = "code_replay" | "refresh_reuse" | "client_revoked";

/**
 * Revokes a connection and every refresh token of its chain. Access tokens carry the
 * connection id and each call reads the connection, so they stop at their next call on every
 * replica. Audited (`oauth_connection.revoke`, no user actor) so admins see replays and
 * reuse. Idempotent: an already revoked connection keeps its first reason.
 */
export async function endConnection(db: Db, connectionId: string, reason: ConnectionEndReason, now: Date): Promise<void> {
  await db.$transaction(async (tx: Prisma.TransactionClient) => {
    const { count } = await tx.oAuthConnection.updateMany({ where: { id: connectionId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
    await tx.oAuthRefreshToken.updateMany({ where: { connectionId, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) return;
    const connection = await tx.oAuthConnection.findUnique({ where: { id: connectionId }, select: { projectId: true, userId: true, clientId: true, scopes: true, project: { select: { orgId: true } } } });
    if (!connection) return;
    await recordAudit(tx, {
      orgId: connection.project.orgId,
      projectId: connection.projectId,
      actor: {},
      action: "oauth_connection.revoke",
      targetType: "oauth_connection",
      targetId: connectionId,
      details: { reason, userId: connection.userId, clientId: connection.clientId, scopes: connection.scopes },
    });
  });
}
