import type { Command } from "commander";
import { addMcpServer, AppError, createOutboundClient, getProjectBySlugOrThrow, listMcpServers, type McpAdminDeps, McpPool, type McpServerView, refreshMcpServer, removeMcpServer, setApiKeyToolsets, setMcpToolSetting } from "@tengine/core";
import { openContext } from "../context.ts";
import { cliEnv, federationSettings } from "../env.ts";
import { print } from "../output.ts";

type Ctx = Awaited<ReturnType<typeof openContext>>;

/**
 * `tengine mcp-servers add|list|refresh|remove|tool`: a project's external MCP servers. `add`
 * and `refresh` connect from this process to list the server's tools, with the same catalog
 * (`TENGINE_MCP_CATALOG`) and credential sources as the gateway.
 */
export function registerMcpServerCommands(program: Command, json: () => boolean) {
  const servers = program.command("mcp-servers").description("external MCP servers whose tools the project's MCP endpoint serves as <server>_<tool>");

  servers
    .command("add")
    .description("add a Streamable HTTP server (--url) or an entry of the operator's catalog (--catalog); lists its tools right away")
    .requiredOption("--project <slug>")
    .requiredOption("--name <name>", "lower-case letters, digits and '-'; its tools are named <name>_<tool>")
    .option("--url <url>", "the server's Streamable HTTP endpoint")
    .option("--header <NAME=VALUE>", "a header sent with every request (repeatable; stored encrypted)", collectPairs, {})
    .option("--catalog <entry>", "an entry of the catalog file TENGINE_MCP_CATALOG names")
    .option("--credential <KEY=VALUE>", "a credential value (repeatable; stored encrypted, never shown again)", collectPairs, {})
    .option("--activation <mode>", "always (listed for every credential) or requested (only for keys naming it in their toolsets)", "always")
    .action(
      withAdmin(async (deps, projectId, opts: { project: string; name: string; url?: string; header: Record<string, string>; catalog?: string; credential: Record<string, string>; activation: string }) => {
        const view = await addMcpServer(deps, projectId, {
          name: opts.name,
          ...(opts.url !== undefined ? { url: opts.url } : {}),
          ...(opts.catalog !== undefined ? { catalog: opts.catalog } : {}),
          headers: opts.header,
          credentials: opts.credential,
          activation: opts.activation as "always",
        });
        print(json(), view, summary(view));
      }),
    );

  servers
    .command("list")
    .description("the project's servers: transport, status, tool count, last error")
    .requiredOption("--project <slug>")
    .action(
      withAdmin(async (deps, projectId) => {
        const rows = await listMcpServers(deps.db, projectId);
        print(json(), rows, { rows: rows.map(row), columns: ["name", "transport", "status", "tools", "lastError"] });
      }),
    );

  servers
    .command("refresh <name>")
    .description("connect now and store the server's current tool list")
    .requiredOption("--project <slug>")
    .action(
      withAdmin(async (deps, projectId, _opts, name: string) => {
        const view = await refreshMcpServer(deps, projectId, name);
        print(json(), view, summary(view));
      }),
    );

  servers
    .command("remove <name>")
    .description("remove the server and its stored credentials; its tools disappear from every gateway")
    .requiredOption("--project <slug>")
    .action(
      withAdmin(async (deps, projectId, _opts, name: string) => {
        print(json(), await removeMcpServer(deps.db, projectId, name));
      }),
    );

  servers
    .command("key-toolsets <key-id>")
    .description("the servers activated on request (--activation requested) that an API key asks for")
    .requiredOption("--project <slug>")
    .requiredOption("--toolsets <list>", "server names, comma-separated ('' = none)")
    .action(
      withAdmin(async (deps, projectId, opts: { project: string; toolsets: string }, keyId: string) => {
        print(json(), await setApiKeyToolsets(deps.db, projectId, keyId, opts.toolsets.split(",")));
      }),
    );

  servers
    .command("tool <server> <tool>")
    .description("an admin setting of one tool of a server (named as the server names it)")
    .requiredOption("--project <slug>")
    .option("--disable", "hide and refuse the tool")
    .option("--enable", "list the tool again")
    .option("--read-only", "needs <server>:read instead of <server>:write, and is not treated as a write")
    .option("--writes", "treat the tool as a write again (needs <server>:write)")
    .option("--rename <name>", "its name in the project instead of <server>_<tool>")
    .option("--scopes <list>", "required scopes, comma-separated ('' = the default)")
    .option("--requires-approval <bool>", "true: every call waits for a person")
    .action(
      withAdmin(async (deps, projectId, opts: { project: string; disable?: boolean; enable?: boolean; readOnly?: boolean; writes?: boolean; rename?: string; scopes?: string; requiresApproval?: string }, server: string, tool: string) => {
        const scopes = opts.scopes?.split(",").map((s) => s.trim()).filter(Boolean);
        const view = await setMcpToolSetting(deps.db, projectId, server, tool, {
          ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: null } : {}),
          ...(opts.readOnly ? { readOnly: true } : opts.writes ? { readOnly: null } : {}),
          ...(opts.rename !== undefined ? { name: opts.rename || null } : {}),
          ...(scopes !== undefined ? { requiredScopes: scopes.length ? scopes : null } : {}),
          ...(opts.requiresApproval !== undefined ? { requiresApproval: opts.requiresApproval === "true" ? true : null } : {}),
        });
        print(json(), view, summary(view));
      }),
    );
}

function row(view: McpServerView) {
  return { name: view.name, transport: view.transport, status: view.status, tools: view.toolCount, lastError: view.lastError };
}

function summary(view: McpServerView) {
  return { rows: view.tools.map((t) => ({ tool: t.name, upstream: t.upstreamName, scopes: t.requiredScopes, disabled: t.disabled, note: t.renamed ?? null })), columns: ["tool", "upstream", "scopes", "disabled", "note"] };
}

/** `--x A=1 --x B=2` → { A: "1", B: "2" }; a value without `=` is a usage error naming it. */
function collectPairs(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw new AppError("bad_request", `expected NAME=VALUE, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Opens the database, resolves `--project`, and brings a pool of this process for listing tools. */
function withAdmin<O extends { project: string }, A extends unknown[]>(fn: (deps: McpAdminDeps, projectId: string, opts: O, ...args: A) => Promise<void>) {
  return async (...rest: unknown[]) => {
    // commander calls actions with (...positional arguments, options, command).
    const opts = rest[rest.length - 2] as O;
    const args = rest.slice(0, -2) as A;
    const ctx: Ctx = await openContext();
    const allowPrivate = cliEnv.ALLOW_PRIVATE_UPSTREAMS ?? false;
    const outbound = createOutboundClient({ allowPrivate, ...(cliEnv.UPSTREAM_ALLOWLIST ? { allowlist: cliEnv.UPSTREAM_ALLOWLIST } : {}) });
    const federation = federationSettings();
    const mcp = new McpPool({ ...federation, fetch: outbound.fetch, allowPrivate, ...(cliEnv.UPSTREAM_ALLOWLIST ? { allowlist: cliEnv.UPSTREAM_ALLOWLIST } : {}), connectTimeoutMs: 15_000 });
    try {
      const project = await getProjectBySlugOrThrow(ctx.db, opts.project);
      const deps: McpAdminDeps = { db: ctx.db, secretBox: await ctx.secretBox(), catalog: federation.catalog, allowPrivate, ...(cliEnv.UPSTREAM_ALLOWLIST ? { allowlist: cliEnv.UPSTREAM_ALLOWLIST } : {}), mcp };
      await fn(deps, project.id, opts, ...args);
    } finally {
      await mcp.close();
      await outbound.close();
      await ctx.close();
    }
  };
}
