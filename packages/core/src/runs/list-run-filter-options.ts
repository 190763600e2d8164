import type { Db } from "@tengine/db";

/** How many recent member runs are scanned for the member filter's suggestions (index range, bounded). */
const RECENT_MEMBER_RUNS = 500;
const MAX_MEMBER_SUGGESTIONS = 50;

/**
 * What the runs filters offer for a project: its tool names, its API keys (revoked ones
 * too — their runs stay) and the members seen in its most recent member runs. The member list
 * reads a bounded slice of the newest runs on the (projectId, principalKind, id) index, never a
 * DISTINCT over the whole run table.
 */
export async function listRunFilterOptions(db: Db, projectId: string) {
  const [tools, keys, memberRuns] = await Promise.all([
    db.tool.findMany({ where: { projectId }, select: { name: true }, orderBy: { name: "asc" } }),
    db.apiKey.findMany({ where: { projectId }, select: { id: true, name: true, prefix: true, revokedAt: true }, orderBy: { id: "desc" } }),
    db.run.findMany({ where: { projectId, principalKind: "member" }, select: { memberId: true, memberEmail: true }, orderBy: { id: "desc" }, take: RECENT_MEMBER_RUNS }),
  ]);
  const members = new Map<string, string | null>();
  for (const run of memberRuns) {
    if (!run.memberId || members.has(run.memberId)) continue;
    members.set(run.memberId, run.memberEmail);
    if (members.size >= MAX_MEMBER_SUGGESTIONS) break;
  }
  return {
    toolNames: tools.map((t) => t.name),
    keys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, revoked: k.revokedAt !== null })),
    /** most recent first */
    members: [...members].map(([id, email]) => ({ id, email })),
  };
}
