import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";

/**
 * Removes a server and its stored credentials. Every gateway process sees the config version
 * move, drops the server's tools and closes its connection.
 */
export async function removeMcpServer(db: Db, projectId: string, name: string) {
  const removed = await db.$transaction(async (tx) => {
    const { count } = await tx.mcpServer.deleteMany({ where: { projectId, name } });
    if (count) await bumpConfigVersion(tx, projectId);
    return count;
  });
  if (!removed) throw new AppError("not_found", `MCP server ${name} not found in this project`);
  return { name, removed: true as const };
}
