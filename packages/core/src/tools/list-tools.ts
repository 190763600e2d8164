import type { Db } from "@tengine/db";
import { toToolView } from "./to-tool-view.ts";

export async function listTools(db: Db, projectId: string) {
  const rows = await db.tool.findMany({ where: { projectId }, orderBy: { name: "asc" } });
  return rows.map(toToolView);
}
