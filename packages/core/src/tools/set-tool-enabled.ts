import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { type ToolView, toToolView } from "./to-tool-view.ts";

/**
 * Turns a tool on or off. A disabled tool disappears from tools/list and cannot be called;
 * the config version moves in the same transaction, so no gateway replica keeps serving it.
 */
export async function setToolEnabled(db: Db, projectId: string, toolId: string, enabled: boolean): Promise<ToolView> {
  const row = await db.$transaction(async (tx) => {
    const { count } = await tx.tool.updateMany({ where: { id: toolId, projectId }, data: { enabled } });
    if (count === 0) throw new AppError("not_found", "tool not found");
    await bumpConfigVersion(tx, projectId);
    return tx.tool.findFirstOrThrow({ where: { id: toolId, projectId } });
  });
  return toToolView(row);
}
