import type { Db } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";

/**
 * Re-checks, at execution time, the credential an approved call was made with: a call must
 * never go out after its key, connection or the project's MCP access was revoked (DESIGN §14),
 * however long it waited for approval. Returns the reason it is no longer valid, or null.
 */
export async function principalNoLongerValid(db: Db, principal: Principal, now: Date): Promise<string | null> {
  if (principal.kind === "dashboard") return null;
  const project = await db.project.findUnique({ where: { id: principal.projectId }, select: { mcpEnabled: true } });
  if (!project) return "the project no longer exists";
  if (!project.mcpEnabled) return "MCP access to the project was disabled";
  if (principal.kind === "api_key" || principal.kind === "member") {
    if (!principal.keyId) return "the call's API key is unknown";
    const key = await db.apiKey.findFirst({ where: { id: principal.keyId, projectId: principal.projectId }, select: { revokedAt: true, expiresAt: true } });
    if (!key || key.revokedAt) return "the API key was revoked";
    if (key.expiresAt && key.expiresAt <= now) return "the API key expired";
    return null;
  }
  if (!principal.connectionId) return "the call's OAuth connection is unknown";
  const connection = await db.oAuthConnection.findFirst({ where: { id: principal.connectionId, projectId: principal.projectId }, select: { revokedAt: true } });
  if (!connection || connection.revokedAt) return "the OAuth connection was revoked";
  return null;
}
