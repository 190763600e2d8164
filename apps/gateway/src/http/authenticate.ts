import { authenticateAccessToken, authenticateApiKey, authenticateOrgAccessToken, authenticateMemberSession, type CredentialState, type GatewayKeys, looksLikeJwt, looksLikeMemberSessionToken, type Principal, type ProjectConfig } from "@tengine/core";
import type { Db, HotQueries } from "@tengine/db";

/** `credential`: the stored state the authenticator checked, handed on to the call's authorization. */
export type Authenticated = { ok: true; principal: Principal; project: ProjectConfig; credential: CredentialState };
export type AuthRejected = { ok: false; status: 401; error?: "invalid_token"; description: string };

export type AuthDeps = {
  hot: HotQueries;
  gatewayKeys: GatewayKeys;
  /** PUBLIC_GATEWAY_URL: the issuer of member session tokens and OAuth access tokens */
  issuer: string;
  /** clock in milliseconds (tests move it) */
  now?: () => number;
};

/**
 * Bearer credential → principal (DESIGN §4, §7 step 1): `tengine_…` API keys, `tng_mst_…`
 * member session tokens and OAuth access tokens (JWTs, `typ: at+jwt`). At `/p/{slug}/mcp` the
 * credential must belong to that project: another project's key is an invalid token for this
 * resource, and a token bound to another project's MCP URL is refused as such. OAuth tokens
 * are checked against their connection and the project's current policy on every call; any
 * failure is `Token validation failed`.
 */
export async function authenticate(deps: AuthDeps, authorization: string | undefined, slug: string | undefined): Promise<Authenticated | AuthRejected> {
  const bearer = bearerToken(authorization);
  if (!bearer.ok) return bearer;
  const { token } = bearer;
  if (looksLikeMemberSessionToken(token)) {
    const result = await authenticateMemberSession({ hot: deps.hot, gatewayKeys: deps.gatewayKeys, issuer: deps.issuer, ...(deps.now ? { now: deps.now } : {}) }, token, slug);
    return result.ok ? result : { ok: false, status: 401, error: "invalid_token", description: result.reason };
  }
  if (looksLikeJwt(token)) {
    const result = await authenticateAccessToken({ hot: deps.hot, gatewayKeys: deps.gatewayKeys, issuer: deps.issuer, ...(deps.now ? { now: deps.now } : {}) }, token, slug);
    return result.ok ? result : { ok: false, status: 401, error: "invalid_token", description: result.reason };
  }
  const result = await authenticateApiKey(deps.hot, token, deps.now);
  if (!result.ok) return { ok: false, status: 401, error: "invalid_token", description: result.reason };
  if (slug !== undefined && result.project.slug !== slug) {
    return { ok: false, status: 401, error: "invalid_token", description: "credential is not valid for this MCP endpoint" };
  }
  return result;
}

/**
 * Bearer credential at an organization's endpoint `/o/{org}/mcp`: an API key of one of the
 * organization's projects, whose explicitly granted platform scopes decide what it may do
 * there, or an OAuth access token of a grant on this organization (its audience is this URL;
 * a project's token is refused). Member session tokens act for a customer's end user, so they
 * are invalid tokens for this resource; another organization's key is too, which reveals
 * nothing about whether the organization exists.
 */
export async function authenticateForOrg(deps: AuthDeps, db: Db, authorization: string | undefined, orgSlug: string): Promise<Authenticated | AuthRejected> {
  const bearer = bearerToken(authorization);
  if (!bearer.ok) return bearer;
  if (looksLikeJwt(bearer.token)) {
    const result = await authenticateOrgAccessToken({ hot: deps.hot, db, gatewayKeys: deps.gatewayKeys, issuer: deps.issuer, ...(deps.now ? { now: deps.now } : {}) }, bearer.token, orgSlug);
    return result.ok ? result : { ok: false, status: 401, error: "invalid_token", description: result.reason };
  }
  if (looksLikeMemberSessionToken(bearer.token)) return { ok: false, status: 401, error: "invalid_token", description: "this endpoint accepts OAuth tokens for it and API keys of the organization's projects" };
  const result = await authenticateApiKey(deps.hot, bearer.token, deps.now);
  if (!result.ok) return { ok: false, status: 401, error: "invalid_token", description: result.reason };
  const inOrg = await db.project.findFirst({ where: { id: result.project.id, org: { slug: orgSlug } }, select: { id: true } });
  if (!inOrg) return { ok: false, status: 401, error: "invalid_token", description: "credential is not valid for this MCP endpoint" };
  return result;
}

function bearerToken(authorization: string | undefined): { ok: true; token: string } | AuthRejected {
  if (!authorization) return { ok: false, status: 401, description: "missing bearer credential" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { ok: false, status: 401, error: "invalid_token", description: "Authorization must be 'Bearer <credential>'" };
  return { ok: true, token: match[1]! };
}

/** RFC 6750 §3 challenge pointing at the RFC 9728 metadata of the resource. */
export function bearerChallenge(resourceMetadataUrl: string, error?: { error: string; description?: string; scope?: string }): string {
  const parts = [`resource_metadata="${resourceMetadataUrl}"`];
  if (error) {
    parts.unshift(`error="${error.error}"`);
    if (error.scope) parts.splice(1, 0, `scope="${error.scope}"`);
    if (error.description) parts.push(`error_description="${error.description.replace(/["\\]/g, "")}"`);
  }
  return `Bearer ${parts.join(", ")}`;
}
