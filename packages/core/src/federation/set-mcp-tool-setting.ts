import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { parseScopes } from "../scopes/has-scopes.ts";
import { listMcpServers } from "./list-mcp-servers.ts";
import { type McpToolSetting, mcpToolSettingSchema, readServerColumns } from "./mcp-server-config.ts";

/**
 * What an admin sets for one tool of a server: disable it, rename it, its required scopes,
 * read-only (then `<server>:read` is enough and it is not a write), or approval on every call.
 * `null` for a field clears it.
 */
export async function setMcpToolSetting(db: Db, projectId: string, serverName: string, upstreamName: string, change: { [K in keyof McpToolSetting]?: McpToolSetting[K] | null }) {
  if (change.requiredScopes) {
    const scopes = parseScopes(change.requiredScopes);
    if (!scopes.ok) throw new AppError("bad_request", `requiredScopes: each scope is resource:read or resource:write (got ${scopes.invalid.slice(0, 5).map((s) => JSON.stringify(s.slice(0, 60))).join(", ")})`);
    change = { ...change, requiredScopes: scopes.scopes };
  }
  const cleaned = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== null && v !== undefined));
  const parsed = mcpToolSettingSchema.safeParse(cleaned);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  await db.$transaction(async (tx) => {
    const row = await tx.mcpServer.findFirst({ where: { projectId, name: serverName } });
    if (!row) throw new AppError("not_found", `MCP server ${serverName} not found in this project`);
    const columns = readServerColumns(row);
    if (!columns.tools.some((t) => t.name === upstreamName)) throw new AppError("not_found", `MCP server ${serverName} has no tool ${upstreamName} (refresh it if it was just added upstream)`);
    const current = columns.toolSettings[upstreamName] ?? {};
    const next: McpToolSetting = { ...current, ...parsed.data };
    for (const [k, v] of Object.entries(change)) if (v === null) delete next[k as keyof McpToolSetting];
    await tx.mcpServer.update({ where: { id: row.id }, data: { toolSettings: { ...columns.toolSettings, [upstreamName]: next } } });
    await bumpConfigVersion(tx, projectId);
  });
  return (await listMcpServers(db, projectId)).find((s) => s.name === serverName)!;
}
