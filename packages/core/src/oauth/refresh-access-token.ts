import type { Prisma } from "@tengine/db";
import { sha256Hex } from "../crypto/hash.ts";
import { projectResource } from "../member-sessions/member-session-token.ts";
import type { AuthenticatedClient } from "./authenticate-client.ts";
import { endConnection } from "./end-connection.ts";
import { createRefreshToken, type OAuthServerDeps, type TokenResponse, tokenResponse } from "./issue-tokens.ts";
import { REFRESH_REUSE_GRACE_SECONDS } from "./oauth-lifetimes.ts";
import { STEP_UP_WINDOW_SECONDS } from "./request-step-up.ts";
import { OAuthError } from "./oauth-error.ts";
import { orgResource } from "./org-resource.ts";
import { clientAllowed, OAUTH_MESSAGES, oauthPolicySelect, scopesWithinCeiling, splitScopeParam } from "./oauth-policy.ts";

/** The rotation lost a race with a concurrent refresh of the same token. */
class RotationRace extends Error {}

/**
 * `grant_type=refresh_token` (OAuth 2.1 §4.3). Refresh tokens rotate on every use: the
 * presented token is marked rotated and its successor issued in one transaction. Reusing a
 * rotated token is `invalid_grant`; within REFRESH_REUSE_GRACE_SECONDS of its rotation that
 * is taken for a concurrent refresh race and the chain is kept, after it for a stolen token:
 * the connection and every token of it are revoked (RFC 9700 §4.14.2). `scope` may only
 * narrow the token's scopes, and must lie within the project's current ceiling; the policy
 * (MCP enabled, client allowed) and the connection are checked before anything rotates, so a
 * refused request does not burn the client's token.
 */
export async function refreshAccessToken(
  deps: OAuthServerDeps,
  client: AuthenticatedClient,
  input: { refreshToken?: string | undefined; scope?: string | undefined; resource?: string | undefined },
): Promise<TokenResponse> {
  const { db } = deps;
  const nowMs = deps.now?.() ?? Date.now();
  const now = new Date(nowMs);
  if (!input.refreshToken) throw new OAuthError("invalid_request", "refresh_token is required");
  if (!client.grantTypes.includes("refresh_token")) throw new OAuthError("unauthorized_client", "This client did not register the refresh_token grant");

  const row = await db.oAuthRefreshToken.findUnique({ where: { tokenHash: sha256Hex(input.refreshToken) } });
  // Another client's token is "invalid", as if it did not exist.
  if (!row || row.clientId !== client.id) throw new OAuthError("invalid_grant", "The refresh token is invalid");
  if (row.revokedAt) throw new OAuthError("invalid_grant", "The refresh token was revoked; connect again");
  if (row.rotatedAt) {
    if (nowMs - row.rotatedAt.getTime() <= REFRESH_REUSE_GRACE_SECONDS * 1000) {
      throw new OAuthError("invalid_grant", "The refresh token was already used (concurrent refresh); use the token issued then");
    }
    await endConnection(db, row.connectionId, "refresh_reuse", now);
    throw new OAuthError("invalid_grant", "The refresh token was already used; the connection is revoked for safety, connect again");
  }
  if (row.expiresAt <= now) throw new OAuthError("invalid_grant", "The refresh token expired; connect again");

  const connection = await db.oAuthConnection.findUnique({
    where: { id: row.connectionId },
    select: { revokedAt: true, userId: true, stepUpRequestedAt: true, org: { select: { slug: true } }, project: { select: { id: true, slug: true, ...oauthPolicySelect } } },
  });
  if (!connection || connection.revokedAt) throw new OAuthError("invalid_grant", "The connection was revoked; connect again");
  if (connection.stepUpRequestedAt && nowMs - connection.stepUpRequestedAt.getTime() <= STEP_UP_WINDOW_SECONDS * 1000) {
    // Step-up (request-step-up.ts): refused once, without rotating, so the client authorizes again.
    await db.oAuthConnection.update({ where: { id: row.connectionId }, data: { stepUpRequestedAt: null } });
    throw new OAuthError("invalid_grant", "A call needed a scope this grant lacks; authorize again to approve it (step-up)");
  }
  const { project } = connection;
  // An organization grant keeps its organization endpoint as audience (its ceiling: the organization families' scopes).
  const resource = connection.org ? orgResource(deps.issuer, connection.org.slug) : projectResource(deps.issuer, project.slug);
  if (input.resource !== undefined && input.resource !== resource) throw new OAuthError("invalid_target", `resource must be ${resource}, the one authorized`);
  if (!project.mcpEnabled) throw new OAuthError("invalid_grant", OAUTH_MESSAGES.mcpDisabled);
  if (!clientAllowed(project, client.id)) throw new OAuthError("unauthorized_client", OAUTH_MESSAGES.clientId);
  const requested = splitScopeParam(input.scope);
  const scopes = requested.length ? requested : row.scopes;
  if (!scopesWithinCeiling(scopes, row.scopes) || !scopesWithinCeiling(scopes, project.oauthScopes)) throw new OAuthError("invalid_scope", OAUTH_MESSAGES.scopes);

  let refreshToken: string;
  try {
    refreshToken = await db.$transaction(async (tx: Prisma.TransactionClient) => {
      const claimed = await tx.oAuthRefreshToken.updateMany({ where: { id: row.id, rotatedAt: null, revokedAt: null }, data: { rotatedAt: now } });
      if (claimed.count !== 1) throw new RotationRace();
      return createRefreshToken(tx, { connectionId: row.connectionId, projectId: row.projectId, clientId: client.id, scopes, parentId: row.id, nowMs });
    });
  } catch (error) {
    if (error instanceof RotationRace) throw new OAuthError("invalid_grant", "The refresh token was already used (concurrent refresh); use the token issued then");
    throw error;
  }
  return tokenResponse(deps, { resource, userId: connection.userId, clientId: client.id, connectionId: row.connectionId, scopes, refreshToken, nowMs });
}
