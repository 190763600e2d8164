import { jwtVerify, errors } from "jose";
import { sha256Hex } from "../crypto/hash.ts";
import { GATEWAY_KEY_ALG } from "../member-sessions/gateway-keys.ts";
import type { AuthenticatedClient } from "./authenticate-client.ts";
import { endConnection } from "./end-connection.ts";
import { type OAuthServerDeps, REFRESH_TOKEN_PREFIX } from "./issue-tokens.ts";
import { ACCESS_TOKEN_TYP } from "./oauth-lifetimes.ts";
import { OAuthError } from "./oauth-error.ts";

/**
 * RFC 7009 token revocation. A refresh token or an access token of this client ends its
 * connection: the whole refresh chain and every access token (they carry the connection id,
 * checked on each call) — §2.1 asks to invalidate the grant's other tokens too. Unknown,
 * expired, malformed or another client's tokens are ignored: the answer is always 200
 * (§2.2), so the endpoint reveals nothing about tokens.
 */
export async function revokeToken(deps: OAuthServerDeps, client: AuthenticatedClient, input: { token?: string | undefined }): Promise<void> {
  if (!input.token) throw new OAuthError("invalid_request", "token is required");
  const now = new Date(deps.now?.() ?? Date.now());
  if (input.token.startsWith(REFRESH_TOKEN_PREFIX)) {
    const row = await deps.db.oAuthRefreshToken.findUnique({ where: { tokenHash: sha256Hex(input.token) }, select: { clientId: true, connectionId: true } });
    if (row && row.clientId === client.id) await endConnection(deps.db, row.connectionId, "client_revoked", now);
    return;
  }
  try {
    const { payload } = await jwtVerify(
      input.token,
      async (header) => {
        const key = typeof header.kid === "string" ? await deps.gatewayKeys.verificationKey(header.kid) : null;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      { algorithms: [GATEWAY_KEY_ALG], typ: ACCESS_TOKEN_TYP, issuer: deps.issuer, requiredClaims: ["cid", "client_id"], currentDate: now },
    );
    if (payload.client_id === client.id && typeof payload.cid === "string") await endConnection(deps.db, payload.cid, "client_revoked", now);
  } catch {
    // Not a valid access token of ours (or already expired): nothing to revoke.
  }
}
