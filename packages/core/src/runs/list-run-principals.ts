import type { Db } from "@tengine/db";

export type RunPrincipalNames = {
  /** keyId → the key's name and display prefix (revoked keys included: old runs still name them) */
  keys: Record<string, { name: string; prefix: string; revoked: boolean }>;
  /** userId → email, for dashboard ("Try it") and OAuth runs */
  users: Record<string, { email: string; name: string | null }>;
};

/**
 * Names for the principals of a page of runs: runs store ids, the table shows names. Two
 * indexed `IN` lookups for one page, whatever the size of the run table. Keys are looked up
 * inside the project (a stray id of another project's key resolves to nothing).
 */
export async function listRunPrincipals(db: Db, projectId: string, runs: readonly { apiKeyId: string | null; userId: string | null }[]): Promise<RunPrincipalNames> {
  const keyIds = [...new Set(runs.map((r) => r.apiKeyId).filter((id): id is string => !!id))];
  const userIds = [...new Set(runs.map((r) => r.userId).filter((id): id is string => !!id))];
  const [keys, users] = await Promise.all([
    keyIds.length ? db.apiKey.findMany({ where: { projectId, id: { in: keyIds } }, select: { id: true, name: true, prefix: true, revokedAt: true } }) : [],
    userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } }) : [],
  ]);
  return {
    keys: Object.fromEntries(keys.map((k) => [k.id, { name: k.name, prefix: k.prefix, revoked: k.revokedAt !== null }])),
    users: Object.fromEntries(users.map((u) => [u.id, { email: u.email, name: u.name }])),
  };
}
