import { z } from "zod";
import type { HotQueries, OAuthConnectionAuthRow } from "@tengine/db";
import { checkCredential, type CredentialState } from "../execution/authorize-principal.ts";
import type { AuthFailure } from "../keys/authenticate-api-key.ts";
import type { GatewayKeys } from "../member-sessions/gateway-keys.ts";
import { slugFromResource } from "../member-sessions/member-session-token.ts";
import { type TokenFailureMessages, verifyGatewayToken } from "../member-sessions/verify-gateway-token.ts";
import type { Principal } from "../principal/principal.ts";
import { type ProjectConfig, projectConfigFromRow } from "../projects/project-config.ts";
import { ACCESS_TOKEN_TYP } from "./oauth-lifetimes.ts";
import { OAUTH_MESSAGES, splitScopeParam } from "./oauth-policy.ts";

export type AuthenticateAccessTokenDeps = {
  hot: HotQueries;
  gatewayKeys: GatewayKeys;
  /** the gateway issuer (PUBLIC_GATEWAY_URL, no trailing slash) */
  issuer: string;
  /** clock in milliseconds, for tests */
  now?: () => number;
};

const claimsSchema = z.object({
  sub: z.string().min(1),
  aud: z.string(),
  exp: z.number(),
  client_id: z.string().min(1),
  scope: z.string(),
  cid: z.string().min(1),
});

const ACCESS_TOKEN_FAILURES: TokenFailureMessages = {
  expired: "the access token expired; refresh it",
  unknownKey: "signed by an unknown key",
  signature: "the signature is invalid",
  algorithm: "algorithm not allowed",
  audience: "the token is for another resource",
  issuer: "the token was issued by another server",
  typ: "not an access token",
  claim: (claim) => `malformed access token ("${claim}")`,
  malformed: "malformed access token",
};

/** A cheap shape test: three base64url segments, a JOSE header first. */
export function looksLikeJwt(token: string): boolean {
  return token.startsWith("eyJ") && token.split(".").length === 3;
}

/**
 * Verifies an OAuth access token (DESIGN §11) — ES256 signature by an active gateway key,
 * `typ: at+jwt`, `iss`, `exp`, and `aud`: at `/p/{slug}/mcp` exactly that project's MCP URL,
 * at `/mcp` any project's MCP URL of this issuer, which then names the project. Then ONE
 * prepared query reads the connection and the project's current policy, on every call: a
 * revoked connection, a user no longer in the organization, MCP disabled, a client no longer
 * allowed or token scopes beyond the current ceiling all fail with `Token validation failed`
 * at once on every replica. `lastUsedAt` is touched at most once a minute, off the response path.
 */
export async function authenticateAccessToken(deps: AuthenticateAccessTokenDeps, token: string, slug?: string): Promise<OAuthAuthenticated | AuthFailure> {
  const verified = await verifyAccessToken(deps, token, slug);
  if (!verified.ok) return verified;
  const { claims } = verified;
  const tokenSlug = slugFromResource(deps.issuer, claims.aud);
  if (!tokenSlug) return failed("its audience is not a project MCP URL");
  return acceptConnection(deps, claims, (row) => row.slug === tokenSlug);
}

type OAuthAuthenticated = { ok: true; principal: Principal; project: ProjectConfig; credential: CredentialState };
export type AccessTokenClaimsChecked = z.infer<typeof claimsSchema>;

function failed(reason?: string): AuthFailure {
  return { ok: false, reason: reason ? `${OAUTH_MESSAGES.tokenValidation}: ${reason}` : OAUTH_MESSAGES.tokenValidation };
}

/** Signature, `typ`, `iss`, `exp` (and `aud` = the project's MCP URL when `slug` is given), then the claims' shape. */
export async function verifyAccessToken(deps: AuthenticateAccessTokenDeps, token: string, slug: string | undefined): Promise<{ ok: true; claims: AccessTokenClaimsChecked } | AuthFailure> {
  const verified = await verifyGatewayToken(deps, token, {
    typ: ACCESS_TOKEN_TYP,
    slug,
    requiredClaims: ["sub", "exp", "iat", "jti", "aud", "client_id", "cid"],
    messages: ACCESS_TOKEN_FAILURES,
  });
  if (!verified.ok) return failed(verified.reason);
  const parsed = claimsSchema.safeParse(verified.payload);
  if (!parsed.success) return failed("malformed access token");
  return { ok: true, claims: parsed.data };
}

/**
 * ONE prepared query reads the connection and its project's current policy; `matches` ties it
 * to the token's audience. The connection must be live, its user in the organization, MCP on,
 * the client allowed and the token's scopes within the current ceiling.
 */
export async function acceptConnection(deps: AuthenticateAccessTokenDeps, claims: AccessTokenClaimsChecked, matches: (row: OAuthConnectionAuthRow) => boolean): Promise<OAuthAuthenticated | AuthFailure> {
  const row = await deps.hot.findOAuthConnection(claims.cid);
  if (!row || !matches(row) || row.userId !== claims.sub || row.clientId !== claims.client_id) return failed();
  const scopes = splitScopeParam(claims.scope);
  if (!checkCredential({ kind: "oauth", connection: row, scopes }).ok || !row.mcpEnabled) return failed();
  if (row.touchDue) void deps.hot.touchOAuthConnection(row.id).catch(() => {});

  return {
    ok: true,
    project: projectConfigFromRow(row),
    principal: {
      projectId: row.projectId,
      projectSlug: row.slug,
      kind: "oauth",
      userId: row.userId,
      clientId: row.clientId,
      connectionId: row.id,
      scopes,
      expiresAt: claims.exp,
    },
    credential: { kind: "oauth", connection: row, scopes },
  };
}
