import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";

/**
 * Deletes a tool of the project. Its runs stay (they copy the tool name); the config version
 * moves in the same transaction so the gateway stops serving the tool at once.
 */
export async function deleteTool(db: Db, projectId: string, toolId: string): Promise<{ id: string; name: string }> {
  return db.$transaction(async (tx) => {
    const row = await tx.tool.findFirst({ where: { id: toolId, projectId }, select: { id: true, name: true } });
    if (!row) throw new AppError("not_found", "tool not found");
    await tx.tool.delete({ where: { id: row.id } });
    await bumpConfigVersion(tx, projectId);
    return row;
  });
}
