import type { Db } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";
import { type ProjectConfig, projectConfigSelect } from "../projects/project-config.ts";
import { hashApiKey, looksLikeApiKey } from "./api-key-format.ts";

export type AuthFailure = { ok: false; reason: string };

/**
 * Resolves a `tengine_…` key to its principal. One indexed lookup by hash; revoked and expired
 * keys fail at once. `lastUsedAt` is refreshed at most once a minute per key so the hot path
 * does not write on every call.
 */
export async function authenticateApiKey(db: Db, key: string, now = new Date()): Promise<{ ok: true; principal: Principal; project: ProjectConfig } | AuthFailure> {
  if (!looksLikeApiKey(key)) return { ok: false, reason: "malformed API key" };
  const row = await db.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: { id: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true, project: { select: projectConfigSelect } },
  });
  if (!row) return { ok: false, reason: "unknown API key" };
  if (row.revokedAt) return { ok: false, reason: "API key revoked" };
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: "API key expired" };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    void db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => {});
  }
  return {
    ok: true,
    project: row.project,
    principal: {
      projectId: row.project.id,
      projectSlug: row.project.slug,
      kind: "api_key",
      keyId: row.id,
      scopes: row.scopes.length ? row.scopes : null,
    },
  };
}
