/** Member session tokens (DESIGN §11): `tng_mst_` + a JWT the gateway signs. */
export const MEMBER_SESSION_PREFIX = "tng_mst_";

/** JWT `typ` header of member session tokens (RFC 8725 §3.11: explicit typing). */
export const MEMBER_SESSION_TYP = "tng-mst+jwt";

/** Lifetime of a member session token. */
export const MEMBER_SESSION_TTL_SECONDS = 15 * 60;

/** A member assertion's `exp` may be at most this far ahead of now (plus the clock skew). */
export const MEMBER_ASSERTION_MAX_TTL_SECONDS = 5 * 60;

/** Clock skew tolerated between the customer's backend and the gateway. */
export const CLOCK_SKEW_SECONDS = 30;

/** The project's canonical MCP URL: the audience its member session tokens are bound to (DESIGN §4). */
export function projectResource(issuer: string, slug: string): string {
  return `${issuer}/p/${slug}/mcp`;
}

/** The project slug of a canonical MCP URL of this issuer, or undefined. */
export function slugFromResource(issuer: string, resource: string): string | undefined {
  const prefix = `${issuer}/p/`;
  if (!resource.startsWith(prefix) || !resource.endsWith("/mcp")) return undefined;
  const slug = resource.slice(prefix.length, -"/mcp".length);
  return /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(slug) ? slug : undefined;
}

export function looksLikeMemberSessionToken(value: string): boolean {
  return value.startsWith(MEMBER_SESSION_PREFIX);
}
