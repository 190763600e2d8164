import type { Db } from "@tengine/db";

/**
 * What the runs filters offer for a project: its tool names and its API keys (revoked ones
 * too — their runs stay). Small per-project lists, never read from the run table.
 */
export async function listRunFilterOptions(db: Db, projectId: string) {
  const [tools, keys] = await Promise.all([
    db.tool.findMany({ where: { projectId }, select: { name: true }, orderBy: { name: "asc" } }),
    db.apiKey.findMany({ where: { projectId }, select: { id: true, name: true, prefix: true, revokedAt: true }, orderBy: { id: "desc" } }),
  ]);
  return {
    toolNames: tools.map((t) => t.name),
    keys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, revoked: k.revokedAt !== null })),
  };
}
