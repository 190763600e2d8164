import type { Db } from "@tengine/db";
import { roleAtLeast, type Role } from "../access/roles.ts";
import { type AuditActor, recordAudit } from "../audit/record-audit.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * Revokes a connection (DESIGN §11): sets `revokedAt` / `revokedReason`, revokes every refresh
 * token of its chain and expires its unredeemed authorization codes, in one transaction. The
 * gateway reads the connection row with every access token, so its tokens stop working at
 * once on every replica.
 *
 * - `reason: "user"` — the actor revokes their own connection; anyone else's is not found.
 * - `reason: "admin"` — any connection of the project; an actor who is a user must be an
 *   admin (or owner) of the project's organization. The CLI (no user id: operator access to
 *   the database) may revoke any.
 *
 * The connection must belong to `projectId`: another project's connection is not found, even
 * for an admin of that other project. Revoking twice is harmless (`alreadyRevoked`).
 */
export async function revokeConnection(db: Db, input: { projectId: string; connectionId: string; actor: AuditActor; reason: "user" | "admin"; now?: Date }) {
  const now = input.now ?? new Date();
  const notFound = () => new AppError("not_found", `connection ${input.connectionId} not found`);
  return db.$transaction(async (tx) => {
    const connection = await tx.oAuthConnection.findFirst({
      where: { id: input.connectionId, projectId: input.projectId },
      select: { id: true, userId: true, clientId: true, scopes: true, revokedAt: true, revokedReason: true, project: { select: { orgId: true } } },
    });
    if (!connection) throw notFound();
    if (input.reason === "user") {
      if (!input.actor.userId || connection.userId !== input.actor.userId) throw notFound();
    } else if (input.actor.userId) {
      const membership = await tx.membership.findFirst({ where: { orgId: connection.project.orgId, userId: input.actor.userId }, select: { role: true } });
      if (!membership) throw notFound();
      if (!roleAtLeast(membership.role as Role, "admin")) throw new AppError("forbidden", "revoking other people's connections needs the admin role");
    }
    // The guard on revokedAt keeps the first reason (e.g. refresh_reuse) when two revocations race.
    const { count } = await tx.oAuthConnection.updateMany({ where: { id: connection.id, revokedAt: null }, data: { revokedAt: now, revokedReason: input.reason } });
    if (count > 0) {
      await tx.oAuthRefreshToken.updateMany({ where: { connectionId: connection.id, revokedAt: null }, data: { revokedAt: now } });
      await tx.oAuthCode.updateMany({ where: { connectionId: connection.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
      await recordAudit(tx, {
        orgId: connection.project.orgId,
        projectId: input.projectId,
        actor: input.actor,
        action: "oauth_connection.revoke",
        targetType: "oauth_connection",
        targetId: connection.id,
        details: { reason: input.reason, userId: connection.userId, clientId: connection.clientId, scopes: connection.scopes },
      });
    }
    return {
      id: connection.id,
      userId: connection.userId,
      clientId: connection.clientId,
      revokedAt: count > 0 ? now : connection.revokedAt,
      revokedReason: count > 0 ? input.reason : connection.revokedReason,
      alreadyRevoked: count === 0,
    };
  });
}
