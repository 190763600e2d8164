import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import type { Principal } from "../principal/principal.ts";
import { hasScopes } from "../scopes/has-scopes.ts";
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
 * has a server activated on request, so other projects pay no query.
 * - API keys carry them (`setApiKeyToolsets`).
 * - Member sessions get their minting key's toolsets as of each call, narrowed by the
 *   assertion's `toolsets` claim when it had one (never widened, like scopes).
 * - OAuth grants ask for a server by holding one of its scopes (`<server>:read` or
 *   `:write`): the person saw and consented to exactly those.
 * - Dashboard sessions ask for none.
 */
export async function principalToolsets(db: Db, principal: Principal, servers: readonly McpServerRuntime[]): Promise<string[]> {
  const requested = servers.filter((s) => s.activation === "requested");
  if (!requested.length) return [];
  if (principal.kind === "oauth") return oauthToolsets(principal.scopes, requested);
  if ((principal.kind !== "api_key" && principal.kind !== "member") || !principal.keyId) return [];
  const key = await db.apiKey.findFirst({ where: { id: principal.keyId, projectId: principal.projectId }, select: { toolsets: true } });
  return narrowToolsets(principal.kind === "member" ? principal.toolsets : undefined, key?.toolsets ?? []);
}

/** A session's toolsets: those it asked for that its key has; asked for none = the key's. */
export function narrowToolsets(asked: readonly string[] | undefined, ceiling: readonly string[]): string[] {
  return asked === undefined ? [...ceiling] : ceiling.filter((t) => asked.includes(t));
}

/** The servers activated on request that an OAuth grant names by one of their scopes (write implies read). */
export function oauthToolsets(scopes: readonly string[] | null, servers: readonly Pick<McpServerRuntime, "name">[]): string[] {
  if (scopes === null) return [];
  return servers.filter((s) => hasScopes([`${s.name}:read`], scopes)).map((s) => s.name);
}

/** Validates a list of toolsets (MCP server names): trimmed, deduplicated, sorted. */
export function parseToolsets(toolsets: readonly string[]): { ok: true; toolsets: string[] } | { ok: false; message: string } {
  const names = [...new Set(toolsets.map((t) => t.trim()).filter(Boolean))].sort();
  const bad = names.filter((n) => !MCP_SERVER_NAME.test(n));
  return bad.length ? { ok: false, message: `toolsets are MCP server names (${MCP_SERVER_NAME_RULE}): ${bad.slice(0, 5).map((b) => b.slice(0, 60)).join(", ")}` } : { ok: true, toolsets: names };
}

/** Sets the toolsets an API key asks for (server names; an empty list asks for none). */
export async function setApiKeyToolsets(db: Db, projectId: string, keyId: string, toolsets: readonly string[]) {
  const parsed = parseToolsets(toolsets);
  if (!parsed.ok) throw new AppError("bad_request", parsed.message);
  const names = parsed.toolsets;
  const { count } = await db.apiKey.updateMany({ where: { id: keyId, projectId }, data: { toolsets: names } });
  if (!count) throw new AppError("not_found", `API key ${keyId} not found`);
  return { id: keyId, toolsets: names };
}

/** The project's usable API keys with the toolsets each asks for (the MCP servers page). */
export function listKeyToolsets(db: Db, projectId: string) {
  return db.apiKey.findMany({
    where: { projectId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    orderBy: { id: "desc" },
    select: { id: true, name: true, prefix: true, toolsets: true },
  });
}
