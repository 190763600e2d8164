import type { Db } from "@tengine/db";

/**
 * RFC 9728 protected resource metadata. `resource` is exactly the MCP URL the client used;
 * `authorization_servers` is added when the OAuth authorization server ships.
 */
export async function protectedResourceMetadata(db: Db, publicUrl: string, slug: string | undefined) {
  if (slug !== undefined) {
    const project = await db.project.findUnique({ where: { slug }, select: { id: true } });
    if (!project) return null;
  }
  return {
    resource: slug === undefined ? `${publicUrl}/mcp` : `${publicUrl}/p/${slug}/mcp`,
    bearer_methods_supported: ["header"],
    resource_name: slug === undefined ? "Tengine MCP gateway" : `Tengine project ${slug}`,
  };
}
