import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { GatewayKeys } from "../member-sessions/gateway-keys.ts";
import { ACCESS_TOKEN_TTL_SECONDS, ACCESS_TOKEN_TYP } from "./oauth-lifetimes.ts";

/** Claims of an OAuth access token beyond `iss`, `aud`, `sub`, `jti`, `iat`, `exp` (RFC 9068 §2.2). */
export type AccessTokenClaims = {
  client_id: string;
  /** space-separated granted scopes */
  scope: string;
  /** the connection id: every call checks it is not revoked */
  cid: string;
};

/**
 * An ES256 JWT access token signed with the gateway's key (RFC 9068: `typ: at+jwt`), bound to
 * one project's MCP URL as `aud` (RFC 8707), valid ACCESS_TOKEN_TTL_SECONDS.
 */
export async function mintAccessToken(
  deps: { gatewayKeys: GatewayKeys; issuer: string },
  input: { resource: string; userId: string; clientId: string; connectionId: string; scopes: string[]; nowMs: number },
): Promise<{ token: string; expiresIn: number; expiresAt: number }> {
  const signing = await deps.gatewayKeys.signingKey();
  const iat = Math.floor(input.nowMs / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const claims: AccessTokenClaims = { client_id: input.clientId, scope: input.scopes.join(" "), cid: input.connectionId };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(deps.issuer)
    .setAudience(input.resource)
    .setSubject(input.userId)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(signing.privateKey);
  return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS, expiresAt: exp };
}
