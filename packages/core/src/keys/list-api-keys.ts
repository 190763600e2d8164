import type { Db } from "@tengine/db";
import { apiKeyPublicFields } from "./create-api-key.ts";

export function listApiKeys(db: Db, projectId: string) {
  return db.apiKey.findMany({ where: { projectId }, orderBy: { id: "desc" }, select: apiKeyPublicFields });
}
