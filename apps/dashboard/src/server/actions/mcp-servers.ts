"use server";
import { addMcpServer, createOutboundClient, type McpAdminDeps, McpPool, mcpToolAudit, recordAudit, refreshMcpServer, removeMcpServer, setApiKeyToolsets, setMcpToolSetting } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withProjectRole } from "../action.ts";
import { getDb, getSecretBox } from "../db.ts";
import { dashboardConfig } from "../env.ts";

/** `NAME=VALUE` lines → { NAME: VALUE }; blank lines are skipped. */
const pairs = z
  .string()
  .max(20_000)
  .default("")
  .transform((raw, ctx) => {
    const out: Record<string, string> = {};
    for (const line of raw.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const at = line.indexOf("=");
      if (at <= 0) {
        ctx.addIssue({ code: "custom", message: `Write one NAME=VALUE per line (got "${line.slice(0, 40)}")` });
        return z.NEVER;
      }
      out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return out;
  });

const addSchema = z.object({
  name: z.string().trim().min(1, "Give the server a name, e.g. github"),
  transport: z.enum(["http", "stdio"]),
  url: z.string().trim().default(""),
  catalog: z.string().trim().default(""),
  headers: pairs,
  credentials: pairs,
  activation: z.enum(["always", "requested"]).default("always"),
});

/** Runs `fn` with the admin deps and a pool of this process, closed afterwards. */
async function withAdminDeps<T>(fn: (deps: McpAdminDeps) => Promise<T>): Promise<T> {
  const config = dashboardConfig();
  const outbound = createOutboundClient({ allowPrivate: config.allowPrivateUpstreams, allowlist: config.upstreamAllowlist });
  const mcp = new McpPool({ ...config.federation, fetch: outbound.fetch, allowPrivate: config.allowPrivateUpstreams, allowlist: config.upstreamAllowlist, connectTimeoutMs: 15_000 });
  try {
    return await fn({ db: getDb(), secretBox: getSecretBox(), catalog: config.federation.catalog, allowPrivate: config.allowPrivateUpstreams, allowlist: config.upstreamAllowlist, mcp });
  } finally {
    await mcp.close();
    await outbound.close();
  }
}

/** Adds an external MCP server (admin+) and lists its tools; header and credential values are stored encrypted. */
export const addMcpServerAction = withProjectRole("admin", addSchema, async (ctx, input) => {
  const view = await withAdminDeps((deps) =>
    addMcpServer(deps, ctx.project.id, {
      name: input.name,
      ...(input.transport === "http" ? { url: input.url, headers: input.headers } : { catalog: input.catalog }),
      credentials: input.credentials,
      activation: input.activation,
    }),
  );
  await recordAudit(ctx.db, {
    orgId: ctx.org.id,
    projectId: ctx.project.id,
    actor: { userId: ctx.user.id, email: ctx.user.email },
    action: "mcp_server.create",
    targetType: "mcp_server",
    targetId: view.id,
    details: { name: view.name, transport: view.transport, url: view.url, catalogEntry: view.catalogEntry, credentialKeys: Object.keys(input.credentials) },
  });
  revalidatePath(`/projects/${ctx.project.slug}/mcp-servers`);
  return { ok: true, message: view.status === "ok" ? `${view.name} added with ${view.toolCount} tools` : `${view.name} added, but it could not be reached: ${view.lastError ?? "unknown error"}` };
});

/** Lists the server's tools again now (admin+). */
export const refreshMcpServerAction = withProjectRole("admin", z.object({ name: z.string().min(1).max(64) }), async (ctx, input) => {
  const view = await withAdminDeps((deps) => refreshMcpServer(deps, ctx.project.id, input.name));
  revalidatePath(`/projects/${ctx.project.slug}/mcp-servers`);
  // Refreshed either way: an unreachable server's error is now its last error, shown on the page.
  return { ok: true, message: view.status === "error" ? `${view.name} could not be reached: ${view.lastError ?? "unknown error"}` : `${view.name}: ${view.toolCount} tools` };
});

/** Removes the server and its credentials (admin+); every gateway drops its tools. */
export const removeMcpServerAction = withProjectRole("admin", z.object({ name: z.string().min(1).max(64) }), async (ctx, input) => {
  await removeMcpServer(ctx.db, ctx.project.id, input.name);
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: "mcp_server.delete", targetType: "mcp_server", targetId: input.name, details: { name: input.name } });
  revalidatePath(`/projects/${ctx.project.slug}/mcp-servers`);
  return { ok: true, message: `${input.name} removed` };
});

const toolSettingSchema = z.object({
  server: z.string().min(1).max(64),
  tool: z.string().min(1).max(200),
  enabled: z.boolean(),
  /** '' = the default `<server>_<tool>` */
  name: z.string().trim().max(64).default(""),
  /** comma- or space-separated; '' = the default (`<server>:write`, or `:read` when read-only) */
  scopes: z.string().trim().max(2000).default(""),
  readOnly: z.boolean(),
  requiresApproval: z.boolean(),
});

/** Saves an admin's settings of one tool of a server (admin+): enabled, name, scopes, read-only, approval. */
export const setMcpToolSettingAction = withProjectRole("admin", toolSettingSchema, async (ctx, input) => {
  const scopes = input.scopes.split(/[\s,]+/).filter(Boolean);
  // Every field is set or cleared, so the form shows exactly what is stored.
  const change = {
    disabled: input.enabled ? null : true,
    name: input.name || null,
    requiredScopes: scopes.length ? scopes : null,
    readOnly: input.readOnly ? true : null,
    requiresApproval: input.requiresApproval ? true : null,
  };
  const view = await setMcpToolSetting(ctx.db, ctx.project.id, input.server, input.tool, change);
  const entry = mcpToolAudit(view, input.tool, change);
  if (entry) await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, ...entry });
  revalidatePath(`/projects/${ctx.project.slug}/mcp-servers`);
  const tool = view.tools.find((t) => t.upstreamName === input.tool);
  return { ok: true, message: tool ? `${tool.name} saved${tool.disabled ? " (disabled)" : ""}` : `${input.tool} saved` };
});

/** Sets the toolsets (server names) an API key asks for (admin+): servers listed "on request" are listed for it. */
export const setKeyToolsetsAction = withProjectRole("admin", z.object({ keyId: z.string().min(1).max(64), toolsets: z.string().max(2000).default("") }), async (ctx, input) => {
  const saved = await setApiKeyToolsets(ctx.db, ctx.project.id, input.keyId, input.toolsets.split(/[\s,]+/).filter(Boolean));
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: "api_key.toolsets_update", targetType: "api_key", targetId: saved.id, details: { toolsets: saved.toolsets } });
  revalidatePath(`/projects/${ctx.project.slug}/mcp-servers`);
  return { ok: true, message: saved.toolsets.length ? `asks for ${saved.toolsets.join(", ")}` : "asks for no toolsets" };
});
