import type { Db } from "@tengine/db";
import type { Role } from "../access/roles.ts";
import { isPlatformScope, platformScopesAboveRole } from "../platform/platform-scopes.ts";
import { scopesWithinCeiling } from "./oauth-policy.ts";

/**
 * How long after a refused call a refresh of the same connection is answered `invalid_grant`
 * (step-up). The MCP SDK refreshes at once after the 403; a later, ordinary refresh is left alone.
 */
export const STEP_UP_WINDOW_SECONDS = 60;

/**
 * A call of an OAuth connection was refused with 403 insufficient_scope (DESIGN §5). When the
 * project's policy would allow the missing scopes — the user approved a subset earlier — mark
 * the connection: its next refresh (within STEP_UP_WINDOW_SECONDS) answers `invalid_grant`,
 * so a client like the MCP SDK, which refreshes first, drops its tokens and authorizes again
 * asking for the scope, and the user decides on the consent page. A refresh cannot widen a
 * grant by itself. Scopes beyond the ceiling change nothing: re-authorizing could not get them.
 * Returns whether the connection was marked.
 */
export async function requestStepUp(db: Db, input: { connectionId: string; scopes: readonly string[]; now?: Date }): Promise<boolean> {
  const connection = await db.oAuthConnection.findUnique({
    where: { id: input.connectionId },
    select: { revokedAt: true, scopes: true, userId: true, project: { select: { oauthScopes: true, orgId: true } } },
  });
  if (!connection || connection.revokedAt) return false;
  if (!scopesWithinCeiling(input.scopes, connection.project.oauthScopes)) return false;
  // Platform scopes above the user's role: the consent would refuse them, so asking again cannot help.
  if (input.scopes.some(isPlatformScope)) {
    const membership = await db.membership.findUnique({ where: { orgId_userId: { orgId: connection.project.orgId, userId: connection.userId } }, select: { role: true } });
    if (!membership || platformScopesAboveRole(input.scopes, membership.role as Role).length) return false;
  }
  if (scopesWithinCeiling(input.scopes, connection.scopes)) return false;
  await db.oAuthConnection.update({ where: { id: input.connectionId }, data: { stepUpRequestedAt: input.now ?? new Date() } });
  return true;
}
