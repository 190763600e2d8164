import { addMcpServer, createOutboundClient, type McpAdminDeps, McpPool, type McpServerView, listMcpServers, mcpToolAudit, refreshMcpServer, removeMcpServer, setApiKeyToolsets, setMcpToolSetting } from "@tengine/core";
import type { CliContext } from "../context.ts";
import { cliEnv, federationSettings } from "../env.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { UsageError } from "../usage-error.ts";
import { audit, projectBySlug, projectOption, splitList } from "./shared.ts";

/**
 * `tengine mcp-servers …`: a project's external MCP servers. `add` and `refresh` connect from
 * this process to list the server's tools, with the same catalog (`TENGINE_MCP_CATALOG`) and
 * credential sources as the gateway.
 */

const ACTIVATIONS = ["always", "requested"] as const;

/** `--x A=1 --x B=2` → { A: "1", B: "2" }; a value without `=` is a usage error naming it. */
function collectPairs(flag: string) {
  return (value: string, previous: unknown): Record<string, string> => {
    const at = value.indexOf("=");
    if (at <= 0) throw new UsageError(`${flag}: expected NAME=VALUE, got ${JSON.stringify(value)}`);
    return { ...((previous as Record<string, string> | undefined) ?? {}), [value.slice(0, at)]: value.slice(at + 1) };
  };
}

/** Runs `fn` with the project and a pool of this process for listing the server's tools. */
async function withAdmin<T>(ctx: CliContext, slug: string, fn: (deps: McpAdminDeps, projectId: string) => Promise<T>): Promise<T> {
  const allowPrivate = cliEnv.ALLOW_PRIVATE_UPSTREAMS ?? false;
  const allowlist = cliEnv.UPSTREAM_ALLOWLIST ? { allowlist: cliEnv.UPSTREAM_ALLOWLIST } : {};
  const outbound = createOutboundClient({ allowPrivate, ...allowlist });
  const federation = federationSettings();
  const mcp = new McpPool({ ...federation, fetch: outbound.fetch, allowPrivate, ...allowlist, connectTimeoutMs: 15_000 });
  try {
    const project = await projectBySlug(ctx, slug);
    const deps: McpAdminDeps = { db: ctx.db, secretBox: await ctx.secretBox(), catalog: federation.catalog, allowPrivate, ...allowlist, mcp };
    return await fn(deps, project.id);
  } finally {
    await mcp.close();
    await outbound.close();
  }
}

function row(view: McpServerView) {
  return { name: view.name, transport: view.transport, status: view.status, protocol: view.protocolVersion, tools: view.toolCount, lastError: view.lastError };
}

function toolTable(view: McpServerView) {
  return { rows: view.tools.map((t) => ({ tool: t.name, upstream: t.upstreamName, scopes: t.requiredScopes, disabled: t.disabled, note: t.renamed ?? null })), columns: ["tool", "upstream", "scopes", "disabled", "note"] };
}

const SERVER_JSON = "{ id, name, transport, url?, catalogEntry?, status, lastError, protocolVersion, toolCount, credentials, activation, tools: [{ name, upstreamName, requiredScopes, readOnly, requiresApproval, disabled, customName, customScopes, renamed? }] }";

const add = defineCommand<{ project: string; name: string; url?: string; header?: Record<string, string>; catalog?: string; credential?: Record<string, string>; activation: (typeof ACTIVATIONS)[number] }>({
  name: "add",
  summary: "add a Streamable HTTP server (--url) or an entry of the operator's catalog (--catalog); lists its tools right away",
  details: "Its tools appear in the project as <name>_<tool>, needing <name>:write (or <name>:read once marked read-only). Headers and credentials are stored encrypted and never shown again.",
  options: [
    projectOption,
    { flags: "--name <name>", description: "lower-case letters, digits and '-'; its tools are named <name>_<tool>", required: true },
    { flags: "--url <url>", description: "the server's Streamable HTTP endpoint" },
    { flags: "--header <NAME=VALUE>", description: "a header sent with every request (repeatable; stored encrypted)", parse: collectPairs("--header") },
    { flags: "--catalog <entry>", description: "an entry of the catalog file TENGINE_MCP_CATALOG names" },
    { flags: "--credential <KEY=VALUE>", description: "a credential value (repeatable; stored encrypted, never shown again)", parse: collectPairs("--credential") },
    { flags: "--activation <mode>", description: "always (listed for every credential) or requested (only for keys naming it in their toolsets)", choices: ACTIVATIONS, default: "always" },
  ],
  examples: ["tengine mcp-servers add --project acme-crm --name everything --url https://mcp.acme.example/mcp --credential token=s3cret", "tengine mcp-servers add --project acme-crm --name files --catalog filesystem"],
  json: SERVER_JSON,
  async run(ctx, { opts, json }) {
    if (!ACTIVATIONS.includes(opts.activation)) throw new UsageError(`--activation must be one of ${ACTIVATIONS.join(", ")}`);
    const view = await withAdmin(ctx, opts.project, (deps, projectId) =>
      addMcpServer(deps, projectId, {
        name: opts.name,
        ...(opts.url !== undefined ? { url: opts.url } : {}),
        ...(opts.catalog !== undefined ? { catalog: opts.catalog } : {}),
        headers: opts.header ?? {},
        credentials: opts.credential ?? {},
        activation: opts.activation,
      }),
    );
    print(json, view, toolTable(view));
  },
});

const list = defineCommand<{ project: string }>({
  name: "list",
  summary: "the project's servers: transport, status, negotiated protocol version, tool count, last error",
  options: [projectOption],
  examples: ["tengine mcp-servers list --project acme-crm --json"],
  json: `[${SERVER_JSON}]`,
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const rows = await listMcpServers(ctx.db, project.id);
    print(json, rows, { rows: rows.map(row), columns: ["name", "transport", "status", "protocol", "tools", "lastError"] });
  },
});

const refresh = defineCommand<{ project: string }>({
  name: "refresh",
  summary: "connect now and store the server's current tool list",
  args: [{ name: "name", description: "the server's name" }],
  options: [projectOption],
  examples: ["tengine mcp-servers refresh everything --project acme-crm"],
  json: SERVER_JSON,
  async run(ctx, { args, opts, json }) {
    const view = await withAdmin(ctx, opts.project, (deps, projectId) => refreshMcpServer(deps, projectId, args.name!));
    print(json, view, toolTable(view));
  },
});

const remove = defineCommand<{ project: string }>({
  name: "remove",
  summary: "remove the server and its stored credentials; its tools disappear from every gateway",
  args: [{ name: "name", description: "the server's name" }],
  options: [projectOption],
  examples: ["tengine mcp-servers remove everything --project acme-crm"],
  json: "{ id, name, removed: true }",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    print(json, await removeMcpServer(ctx.db, project.id, args.name!));
  },
});

const keyToolsets = defineCommand<{ project: string; toolsets: string }>({
  name: "key-toolsets",
  summary: "the servers activated on request (--activation requested) that an API key asks for",
  args: [{ name: "keyId", description: "the API key's id" }],
  options: [projectOption, { flags: "--toolsets <list>", description: "server names, comma-separated ('' = none)", required: true }],
  examples: ["tengine mcp-servers key-toolsets key_01J9ZQ --project acme-crm --toolsets github,linear"],
  json: "{ id, toolsets: string[] }",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    print(json, await setApiKeyToolsets(ctx.db, project.id, args.keyId!, splitList(opts.toolsets)));
  },
});

const tool = defineCommand<{ project: string; disable?: boolean; enable?: boolean; readOnly?: boolean; writes?: boolean; rename?: string; scopes?: string; requiresApproval?: boolean }>({
  name: "tool",
  summary: "an admin setting of one tool of a server (named as the server names it)",
  args: [
    { name: "server", description: "the server's name" },
    { name: "tool", description: "the tool's name on the server" },
  ],
  options: [
    projectOption,
    { flags: "--disable", description: "hide and refuse the tool" },
    { flags: "--enable", description: "list the tool again" },
    { flags: "--read-only", description: "needs <server>:read instead of <server>:write, and is not treated as a write" },
    { flags: "--writes", description: "treat the tool as a write again (needs <server>:write)" },
    { flags: "--rename <name>", description: "its name in the project instead of <server>_<tool> ('' = the default)" },
    { flags: "--scopes <list>", description: "required scopes, comma-separated ('' = the default)" },
    { flags: "--requires-approval", description: "every call waits for a person" },
    { flags: "--no-requires-approval", description: "calls follow the project's approval policy" },
  ],
  examples: ["tengine mcp-servers tool everything echo --project acme-crm --read-only", "tengine mcp-servers tool everything get-env --project acme-crm --disable"],
  json: SERVER_JSON,
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const scopes = opts.scopes === undefined ? undefined : splitList(opts.scopes);
    const change = {
      ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: null } : {}),
      ...(opts.readOnly ? { readOnly: true } : opts.writes ? { readOnly: null } : {}),
      ...(opts.rename !== undefined ? { name: opts.rename || null } : {}),
      ...(scopes !== undefined ? { requiredScopes: scopes.length ? scopes : null } : {}),
      ...(opts.requiresApproval !== undefined ? { requiresApproval: opts.requiresApproval ? true : null } : {}),
    };
    const view = await setMcpToolSetting(ctx.db, project.id, args.server!, args.tool!, change);
    const entry = mcpToolAudit(view, args.tool!, change);
    if (entry) await audit(ctx, project, entry);
    print(json, view, toolTable(view));
  },
});

export const mcpServersGroup = defineGroup({ name: "mcp-servers", summary: "external MCP servers whose tools the project's endpoint serves as <server>_<tool> (docs/federation.md)", commands: [add, list, refresh, remove, keyToolsets, tool] });
