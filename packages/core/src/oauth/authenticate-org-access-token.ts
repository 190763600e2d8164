import type { Db } from "@tengine/db";
import type { AuthFailure } from "../keys/authenticate-api-key.ts";
import { acceptConnection, type AuthenticateAccessTokenDeps, verifyAccessToken } from "./authenticate-access-token.ts";
import { OAUTH_MESSAGES } from "./oauth-policy.ts";
import { orgResource } from "./org-resource.ts";

/**
 * An OAuth access token at an organization's endpoint `/o/{org}/mcp`: `aud` must be exactly
 * that URL (RFC 8707: a token for a project, or for another organization, is refused), and its
 * connection must be a grant on this organization. Then the same checks as at a project's
 * endpoint, against the home project's current policy (`acceptConnection`). The principal acts
 * in the home project (its runs); the platform actions hold the user to their current role.
 */
export async function authenticateOrgAccessToken(deps: AuthenticateAccessTokenDeps & { db: Db }, token: string, orgSlug: string): Promise<Awaited<ReturnType<typeof acceptConnection>>> {
  const verified = await verifyAccessToken(deps, token, undefined);
  if (!verified.ok) return verified;
  const { claims } = verified;
  if (claims.aud !== orgResource(deps.issuer, orgSlug)) return { ok: false, reason: `${OAUTH_MESSAGES.tokenValidation}: the token is for another resource` };
  const grant = await deps.db.oAuthConnection.findUnique({ where: { id: claims.cid }, select: { org: { select: { slug: true } } } });
  if (!grant?.org || grant.org.slug !== orgSlug) return { ok: false, reason: OAUTH_MESSAGES.tokenValidation } satisfies AuthFailure;
  // The same connection (by id): the grant on this organization, checked above.
  return acceptConnection(deps, claims, () => true);
}
