import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import type { Principal } from "../principal/principal.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import { MCP_SERVER_NAME, MCP_SERVER_NAME_RULE } from "./mcp-server-config.ts";
import type { McpServerRuntime } from "./mcp-server-runtime.ts";

/**
 * Whether a caller sees and may call a tool: HTTP tools and tools of servers activated
 * `always` are there for everyone; a server activated `requested` only for credentials that
 * name it in their toolsets.
 */
export function isToolActivated(tool: Pick<PreparedTool, "federation">, toolsets: readonly string[]): boolean {
  const server = tool.federation?.server;
  return !server || server.activation === "always" || toolsets.includes(server.name);
}

/**
 * The toolsets (server names) the principal's credential asks for. Read only when the project
 * has a server activated on request, so other projects pay no query. API keys carry them;
 * other credentials ask for none.
 */
export async function principalToolsets(db: Db, principal: Principal, servers: readonly McpServerRuntime[]): Promise<string[]> {
  if (!servers.some((s) => s.activation === "requested")) return [];
  if (principal.kind !== "api_key" || !principal.keyId) return [];
  const key = await db.apiKey.findFirst({ where: { id: principal.keyId, projectId: principal.projectId }, select: { toolsets: true } });
  return key?.toolsets ?? [];
}

/** Sets the toolsets an API key asks for (server names; an empty list asks for none). */
export async function setApiKeyToolsets(db: Db, projectId: string, keyId: string, toolsets: readonly string[]) {
  const names = [...new Set(toolsets.map((t) => t.trim()).filter(Boolean))].sort();
  const bad = names.filter((n) => !MCP_SERVER_NAME.test(n));
  if (bad.length) throw new AppError("bad_request", `toolsets are MCP server names (${MCP_SERVER_NAME_RULE}): ${bad.join(", ")}`);
  const { count } = await db.apiKey.updateMany({ where: { id: keyId, projectId }, data: { toolsets: names } });
  if (!count) throw new AppError("not_found", `API key ${keyId} not found`);
  return { id: keyId, toolsets: names };
}
