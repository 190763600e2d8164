import { createHash } from "node:crypto";
import { sha256Hex } from "../crypto/hash.ts";
import type { AuthenticatedClient } from "./authenticate-client.ts";
import { endConnection } from "./end-connection.ts";
import { createRefreshToken, type OAuthServerDeps, type TokenResponse, tokenResponse } from "./issue-tokens.ts";
import { OAuthError } from "./oauth-error.ts";
import { clientAllowed, OAUTH_MESSAGES, oauthPolicySelect, scopesWithinCeiling, splitScopeParam } from "./oauth-policy.ts";

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * `grant_type=authorization_code` (OAuth 2.1 §4.1.3). The code must be bound to this client,
 * this redirect URI and the PKCE challenge (S256 of `code_verifier`); only then is it claimed
 * atomically (single use across replicas). A second fully bound redemption is a replay: the
 * connection the first one created is revoked with all its tokens (RFC 6749 §4.1.2) and the
 * answer is `invalid_grant`; a mismatched one changes nothing. The code must be unexpired. The project's policy is checked again: it may have been
 * tightened since consent. An optional `scope` may narrow the grant, never widen it.
 */
export async function redeemAuthorizationCode(
  deps: OAuthServerDeps,
  client: AuthenticatedClient,
  input: { code?: string | undefined; redirectUri?: string | undefined; codeVerifier?: string | undefined; resource?: string | undefined; scope?: string | undefined },
): Promise<TokenResponse> {
  const { db } = deps;
  const nowMs = deps.now?.() ?? Date.now();
  const now = new Date(nowMs);
  if (!input.code) throw new OAuthError("invalid_request", "code is required");
  if (!input.codeVerifier) throw new OAuthError("invalid_request", "code_verifier is required (PKCE)");
  if (!VERIFIER.test(input.codeVerifier)) throw new OAuthError("invalid_request", "code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636)");
  if (!input.redirectUri) throw new OAuthError("invalid_request", "redirect_uri is required: the one sent to /oauth/authorize");

  // Every binding (client, redirect URI, PKCE, expiry, resource) is checked BEFORE the code is
  // claimed: a leaked code presented without its verifier neither burns it nor, as a "replay",
  // revokes the victim's connection. Only a fully valid redemption consumes it.
  const row = await db.oAuthCode.findUnique({ where: { codeHash: sha256Hex(input.code) } });
  if (!row) throw new OAuthError("invalid_grant", "The authorization code is invalid");
  if (row.clientId !== client.id) throw new OAuthError("invalid_grant", "The authorization code was issued to another client");
  if (row.redirectUri !== input.redirectUri) throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request");
  if (createHash("sha256").update(input.codeVerifier).digest("base64url") !== row.codeChallenge) {
    throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge");
  }
  if (input.resource !== undefined && input.resource !== row.resource) throw new OAuthError("invalid_target", `resource must be ${row.resource}, the one authorized`);

  const claimed = await db.oAuthCode.updateMany({ where: { codeHash: row.codeHash, usedAt: null }, data: { usedAt: now } });
  if (claimed.count !== 1) {
    // The rightful client redeemed it twice (or someone holding the code AND its verifier did):
    // RFC 6749 §4.1.2 — revoke what the first redemption issued.
    await endConnection(db, row.connectionId, "code_replay", now);
    throw new OAuthError("invalid_grant", "The authorization code was already used; the tokens issued for it are revoked");
  }
  if (row.expiresAt <= now) throw new OAuthError("invalid_grant", "The authorization code expired; authorize again");

  const [project, connection] = await Promise.all([
    db.project.findUnique({ where: { id: row.projectId }, select: oauthPolicySelect }),
    db.oAuthConnection.findUnique({ where: { id: row.connectionId }, select: { revokedAt: true } }),
  ]);
  if (!project || !connection || connection.revokedAt) throw new OAuthError("invalid_grant", "The connection of this authorization code was revoked");
  if (!project.mcpEnabled) throw new OAuthError("invalid_grant", OAUTH_MESSAGES.mcpDisabled);
  if (!clientAllowed(project, client.id)) throw new OAuthError("unauthorized_client", OAUTH_MESSAGES.clientId);
  const requested = splitScopeParam(input.scope);
  const scopes = requested.length ? requested : row.scopes;
  if (!scopesWithinCeiling(scopes, row.scopes) || !scopesWithinCeiling(scopes, project.oauthScopes)) throw new OAuthError("invalid_scope", OAUTH_MESSAGES.scopes);

  const refreshToken = client.grantTypes.includes("refresh_token")
    ? await createRefreshToken(db, { connectionId: row.connectionId, projectId: row.projectId, clientId: client.id, scopes, parentId: null, nowMs })
    : undefined;
  return tokenResponse(deps, { resource: row.resource, userId: row.userId, clientId: client.id, connectionId: row.connectionId, scopes, refreshToken, nowMs });
}
