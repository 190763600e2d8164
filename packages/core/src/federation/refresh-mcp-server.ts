import type { Db, Prisma } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { listMcpServers } from "./list-mcp-servers.ts";
import type { UpstreamTool } from "./mcp-server-config.ts";
import type { McpAdminDeps } from "./mcp-server-deps.ts";
import { toServerRuntime } from "./mcp-server-runtime.ts";

/**
 * Lists the server's tools now and stores them, with its status and last error. Without a pool
 * (an app that does not connect) the stored state is answered unchanged.
 */
export async function refreshMcpServer(deps: McpAdminDeps, projectId: string, name: string) {
  const row = await deps.db.mcpServer.findFirst({ where: { projectId, name }, include: { project: { select: { allowHttpUpstreams: true, allowedUpstreamHosts: true } } } });
  if (!row) throw new AppError("not_found", `MCP server ${name} not found in this project`);
  if (deps.mcp) {
    const listed = await deps.mcp.listTools(toServerRuntime(row, deps.secretBox, row.project));
    if (listed.ok) await storeMcpServerTools(deps.db, projectId, row.id, listed.tools, listed.protocolVersion);
    else await recordMcpServerStatus(deps.db, projectId, row.id, "error", listed.message);
  }
  const view = (await listMcpServers(deps.db, projectId)).find((s) => s.id === row.id);
  if (!view) throw new AppError("not_found", `MCP server ${name} not found in this project`);
  return view;
}

/**
 * Stores a server's tool list (after a refresh or its `list_changed`) and marks it healthy. The
 * project's config version moves only when the list changed, so every gateway process reloads
 * the project's tools exactly then.
 */
export async function storeMcpServerTools(db: Db, projectId: string, serverId: string, tools: UpstreamTool[], protocolVersion?: string) {
  await db.$transaction(async (tx) => {
    const current = await tx.mcpServer.findFirst({ where: { id: serverId, projectId }, select: { tools: true } });
    if (!current) return;
    const changed = JSON.stringify(current.tools) !== JSON.stringify(tools);
    await tx.mcpServer.updateMany({ where: { id: serverId, projectId }, data: { ...(changed ? { tools: tools as Prisma.InputJsonValue } : {}), status: "ok", lastError: null, lastCheckedAt: new Date(), ...(protocolVersion ? { protocolVersion } : {}) } });
    if (changed) await bumpConfigVersion(tx, projectId);
  });
}

/** Health as a gateway process saw it: shown to admins; not configuration (no version bump). */
export async function recordMcpServerStatus(db: Db, projectId: string, serverId: string, status: "ok" | "error", error?: string) {
  await db.mcpServer.updateMany({ where: { id: serverId, projectId }, data: { status, lastError: status === "ok" ? null : (error ?? "unknown error").slice(0, 2000), lastCheckedAt: new Date() } });
}
