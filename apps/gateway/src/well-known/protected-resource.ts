import { findHomeProject, orgOAuthScopes, orgResource } from "@tengine/core";
import type { Db } from "@tengine/db";

/**
 * RFC 9728 protected resource metadata. `resource` is exactly the MCP URL the client uses (the
 * audience of its tokens); the gateway is the one authorization server; `scopes_supported` is
 * the project's current OAuth scope ceiling. The root document describes `/mcp`, which serves
 * API keys and member tokens; OAuth clients must use a project's `/p/{slug}/mcp` (its
 * resource selects the project whose policy applies), and /oauth/authorize says so.
 */
export async function protectedResourceMetadata(db: Db, publicUrl: string, slug: string | undefined) {
  let scopes: string[] | undefined;
  if (slug !== undefined) {
    const project = await db.project.findUnique({ where: { slug }, select: { oauthScopes: true } });
    if (!project) return null;
    scopes = project.oauthScopes;
  }
  return {
    resource: slug === undefined ? `${publicUrl}/mcp` : `${publicUrl}/p/${slug}/mcp`,
    authorization_servers: [publicUrl],
    ...(scopes ? { scopes_supported: scopes } : {}),
    bearer_methods_supported: ["header"],
    resource_signing_alg_values_supported: ["ES256"],
    resource_name: slug === undefined ? "Tengine MCP gateway" : `Tengine project ${slug}`,
  };
}

/**
 * RFC 9728 metadata of an organization's MCP endpoint `/o/{org}/mcp` (its platform tools).
 * The scopes it lists are the organization families' platform scopes that its home project's
 * OAuth ceiling allows (what an OAuth grant there may hold); an unknown organization, or one
 * without a project, is 404.
 */
export async function orgProtectedResourceMetadata(db: Db, publicUrl: string, orgSlug: string) {
  const home = await findHomeProject(db, orgSlug);
  if (!home) return null;
  return {
    resource: orgResource(publicUrl, orgSlug),
    authorization_servers: [publicUrl],
    scopes_supported: orgOAuthScopes(home.oauthScopes),
    bearer_methods_supported: ["header"],
    resource_signing_alg_values_supported: ["ES256"],
    resource_name: `Tengine organization ${orgSlug}`,
  };
}
