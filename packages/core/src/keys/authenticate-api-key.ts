import type { HotQueries } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";
import { type ProjectConfig, projectConfigFromRow } from "../projects/project-config.ts";
import { checkCredential, type CredentialState, type PrincipalDenialCode } from "../execution/authorize-principal.ts";
import { hashApiKey, looksLikeApiKey } from "./api-key-format.ts";

export type AuthFailure = { ok: false; reason: string };

/**
 * Resolves a `tengine_…` key to its principal and project settings: one indexed, prepared
 * lookup by hash on every call, so revoked and expired keys fail at once. `lastUsedAt` is
 * refreshed at most once a minute per key, off the response path.
 */
export async function authenticateApiKey(hot: HotQueries, key: string, now?: () => number): Promise<{ ok: true; principal: Principal; project: ProjectConfig; credential: CredentialState } | AuthFailure> {
  if (!looksLikeApiKey(key)) return { ok: false, reason: "malformed API key" };
  const row = await hot.findApiKey(hashApiKey(key), now ? new Date(now()) : undefined);
  const checked = checkCredential({ kind: "api_key", key: row });
  if (!checked.ok || !row) return { ok: false, reason: API_KEY_FAILURES[checked.ok ? "api_key_unknown" : checked.code] ?? "unknown API key" };
  if (row.touchDue) void hot.touchApiKey(row.id).catch(() => {});
  return {
    ok: true,
    project: projectConfigFromRow(row),
    principal: { projectId: row.projectId, projectSlug: row.slug, kind: "api_key", keyId: row.id, scopes: row.scopes.length ? row.scopes : null },
    credential: { kind: "api_key", key: row },
  };
}

const API_KEY_FAILURES: Partial<Record<PrincipalDenialCode, string>> = {
  api_key_unknown: "unknown API key",
  api_key_revoked: "API key revoked",
  api_key_expired: "API key expired",
};
