import { PLATFORM_FAMILIES, type PlatformFamily, platformScope } from "@tengine/core";
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
 * The scopes it lists are the platform scopes of the organization families; an unknown
 * organization has none (404).
 */
export async function orgProtectedResourceMetadata(db: Db, publicUrl: string, orgSlug: string) {
  const org = await db.organization.findUnique({ where: { slug: orgSlug }, select: { id: true } });
  if (!org) return null;
  return {
    resource: `${publicUrl}/o/${orgSlug}/mcp`,
    authorization_servers: [publicUrl],
    scopes_supported: ORG_PLATFORM_SCOPES,
    bearer_methods_supported: ["header"],
    resource_signing_alg_values_supported: ["ES256"],
    resource_name: `Tengine organization ${orgSlug}`,
  };
}

const ORG_PLATFORM_SCOPES = (Object.keys(PLATFORM_FAMILIES) as PlatformFamily[]).filter((f) => PLATFORM_FAMILIES[f].surface === "org").flatMap((f) => [platformScope(f, false), platformScope(f, true)]);
