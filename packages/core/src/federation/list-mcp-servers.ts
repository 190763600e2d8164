import type { Db, McpServer } from "@tengine/db";
import { readServerColumns } from "./mcp-server-config.ts";
import { namespaceTools } from "./namespace-tools.ts";
import { defaultFederatedScopes } from "./federated-tools.ts";

/** A server as admins see it: no header values, no credential values (only whether each is set). */
export type McpServerView = ReturnType<typeof toMcpServerView>;

export const MCP_SERVER_VIEW_SELECT = {
  id: true,
  name: true,
  transport: true,
  url: true,
  catalogEntry: true,
  credentials: true,
  credentialKeys: true,
  activation: true,
  toolSettings: true,
  tools: true,
  status: true,
  lastError: true,
  lastCheckedAt: true,
  protocolVersion: true,
  createdAt: true,
} as const;

type ViewRow = Pick<McpServer, "id" | "name" | "transport" | "url" | "catalogEntry" | "credentials" | "credentialKeys" | "activation" | "toolSettings" | "tools" | "status" | "lastError" | "lastCheckedAt" | "protocolVersion" | "createdAt">;

export function toMcpServerView(row: ViewRow, taken: ReadonlySet<string> = new Set()) {
  const columns = readServerColumns(row);
  const names = namespaceTools(row.name, columns.tools.map((t) => t.name), columns.toolSettings, taken);
  return {
    id: row.id,
    name: row.name,
    transport: row.transport,
    url: row.url,
    catalogEntry: row.catalogEntry,
    activation: columns.activation,
    status: columns.status,
    lastError: row.lastError,
    lastCheckedAt: row.lastCheckedAt,
    /** the MCP revision last negotiated with the server; null until it first connected */
    protocolVersion: row.protocolVersion,
    createdAt: row.createdAt,
    credentials: columns.credentials.map((c) => ({ key: c.key, label: c.label ?? null, secret: c.secret, set: row.credentialKeys.includes(c.key) })),
    toolCount: names.filter((n) => !columns.toolSettings[n.upstreamName]?.disabled).length,
    tools: names.map((n) => {
      const setting = columns.toolSettings[n.upstreamName] ?? {};
      return {
        name: n.name,
        upstreamName: n.upstreamName,
        ...(n.renamed ? { renamed: n.renamed } : {}),
        disabled: setting.disabled === true,
        readOnly: setting.readOnly === true,
        requiresApproval: setting.requiresApproval === true,
        requiredScopes: setting.requiredScopes ?? defaultFederatedScopes(row.name, setting.readOnly === true),
        /** the admin set the name / the scopes (otherwise the defaults) */
        customName: setting.name !== undefined,
        customScopes: setting.requiredScopes !== undefined,
      };
    }),
  };
}

/** The project's MCP servers with their status, last error and tools, in name order. */
export async function listMcpServers(db: Db, projectId: string) {
  const [rows, httpTools] = await Promise.all([
    db.mcpServer.findMany({ where: { projectId }, orderBy: { name: "asc" }, select: MCP_SERVER_VIEW_SELECT }),
    db.tool.findMany({ where: { projectId, enabled: true }, select: { name: true } }),
  ]);
  // Names are taken in the order the gateway takes them: HTTP tools first, then servers by name.
  const taken = new Set(httpTools.map((t) => t.name));
  return rows.map((row) => {
    const view = toMcpServerView(row, taken);
    for (const t of view.tools) if (!t.disabled) taken.add(t.name);
    return view;
  });
}
