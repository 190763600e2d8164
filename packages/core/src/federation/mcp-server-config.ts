import { z } from "zod";

/** A server's name: the prefix of its tools' names and its scopes (`<name>:read`). */
export const MCP_SERVER_NAME = /^[a-z][a-z0-9-]{0,31}$/;
export const MCP_SERVER_NAME_RULE = "lower-case letters, digits and '-', starting with a letter, at most 32 characters";

/** A credential a server declares: its key, what the admin reads, and whether it is secret. */
export const declaredCredentialSchema = z.object({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "credential keys are letters, digits and '_', starting with a letter"),
  label: z.string().max(200).optional(),
  secret: z.boolean().default(true),
});
export type DeclaredCredential = z.infer<typeof declaredCredentialSchema>;

/** What the admin set for one upstream tool. */
export const mcpToolSettingSchema = z.object({
  disabled: z.boolean().optional(),
  /** the tool's name in the project instead of `<server>_<tool>` */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1 to 64 letters, digits, '_' or '-'").optional(),
  requiredScopes: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** read-only: needs `<server>:read` instead of `<server>:write`, and is not a write */
  readOnly: z.boolean().optional(),
  /** every call waits for a person, whatever the project's approval policy */
  requiresApproval: z.boolean().optional(),
});
export type McpToolSetting = z.infer<typeof mcpToolSettingSchema>;
export const mcpToolSettingsSchema = z.record(z.string(), mcpToolSettingSchema);

/** A tool as the upstream listed it (MCP `Tool`): what tools/list shows, prefixed. */
export const upstreamToolSchema = z.object({
  name: z.string().min(1).max(200),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
  icons: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type UpstreamTool = z.infer<typeof upstreamToolSchema>;

export const MCP_ACTIVATIONS = ["always", "requested"] as const;
export type McpActivation = (typeof MCP_ACTIVATIONS)[number];
export const MCP_STATUSES = ["pending", "ok", "error"] as const;
export type McpServerStatus = (typeof MCP_STATUSES)[number];

/** The stored JSON columns of an `McpServer` row, validated on read (never cast). */
export function readServerColumns(row: { credentials: unknown; toolSettings: unknown; tools: unknown; activation: string; status: string }) {
  const credentials = z.array(declaredCredentialSchema).safeParse(row.credentials);
  const settings = mcpToolSettingsSchema.safeParse(row.toolSettings);
  // One malformed tool does not hide the others.
  const tools = Array.isArray(row.tools) ? row.tools.flatMap((t) => { const p = upstreamToolSchema.safeParse(t); return p.success ? [p.data] : []; }) : [];
  return {
    credentials: credentials.success ? credentials.data : [],
    toolSettings: settings.success ? settings.data : {},
    tools,
    activation: ((MCP_ACTIVATIONS as readonly string[]).includes(row.activation) ? row.activation : "always") as McpActivation,
    status: ((MCP_STATUSES as readonly string[]).includes(row.status) ? row.status : "pending") as McpServerStatus,
  };
}
