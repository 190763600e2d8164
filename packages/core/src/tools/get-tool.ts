import type { Db } from "@tengine/db";
import { type ToolView, toToolView } from "./to-tool-view.ts";

/**
 * One tool of the project by name, as users see it (secrets write-only), or null when the
 * project has no such tool — another project's tool of the same name is never found.
 */
export async function getToolView(db: Db, projectId: string, name: string): Promise<ToolView | null> {
  const row = await db.tool.findFirst({ where: { projectId, name } });
  return row ? toToolView(row) : null;
}
