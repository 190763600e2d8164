import { PreparedTool } from "../runtime/prepared-tool.ts";
import type { McpServerRuntime } from "./mcp-server-runtime.ts";
import { namespaceTools, type NamespacedTool } from "./namespace-tools.ts";

/** The scopes a federated tool needs by default: `<server>:write`, or `<server>:read` when read-only. */
export function defaultFederatedScopes(server: string, readOnly: boolean): string[] {
  return [`${server}:${readOnly ? "read" : "write"}`];
}

/**
 * A server's enabled tools as the project shows them: named `<server>_<tool>` (or the admin's
 * name), the admin's scopes or the default ones, and treated as writes unless the admin marked
 * them read-only — the upstream's own `readOnlyHint` is a claim, not a permission.
 */
export function federatedTools(server: McpServerRuntime, taken: ReadonlySet<string>): { tools: PreparedTool[]; names: NamespacedTool[] } {
  const byName = new Map(server.tools.map((t) => [t.name, t]));
  const names = namespaceTools(server.name, [...byName.keys()], server.toolSettings, taken);
  const tools: PreparedTool[] = [];
  for (const named of names) {
    const upstream = byName.get(named.upstreamName)!;
    const setting = server.toolSettings[named.upstreamName] ?? {};
    if (setting.disabled) continue;
    const readOnly = setting.readOnly === true;
    const annotations = { ...upstream.annotations, readOnlyHint: readOnly, ...(readOnly ? {} : { destructiveHint: upstream.annotations?.destructiveHint ?? true }) };
    tools.push(
      new PreparedTool({
        federation: { server, upstreamName: named.upstreamName },
        requiredScopes: setting.requiredScopes ?? defaultFederatedScopes(server.name, readOnly),
        readOnly,
        requiresApproval: setting.requiresApproval === true,
        listed: {
          name: named.name,
          ...(upstream.title ? { title: upstream.title } : {}),
          description: upstream.description ?? "",
          inputSchema: upstream.inputSchema,
          annotations,
          ...(upstream.outputSchema ? { outputSchema: upstream.outputSchema } : {}),
          ...(upstream.icons ? { icons: upstream.icons } : {}),
          _meta: { "tengine/mcpServer": server.name },
        },
      }),
    );
  }
  return { tools, names };
}
