import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { apiKeyPublicFields } from "./create-api-key.ts";

/** Revokes at once: authentication reads revokedAt on every call. */
export async function revokeApiKey(db: Db, projectId: string, keyId: string) {
  const { count } = await db.apiKey.updateMany({ where: { id: keyId, projectId, revokedAt: null }, data: { revokedAt: new Date() } });
  const key = await db.apiKey.findFirst({ where: { id: keyId, projectId }, select: apiKeyPublicFields });
  if (!key) throw new AppError("not_found", `API key ${keyId} not found`);
  return { ...key, alreadyRevoked: count === 0 };
}
