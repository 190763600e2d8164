import { AppError, getOAuthPolicy, listConnections, revokeConnection, setOAuthPolicy } from "@tengine/core";
import { gatewayUrl } from "../env.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { CLI_ACTOR, collectList, projectBySlug, projectOption } from "./shared.ts";

type PolicyOptions = { project: string; enabled?: boolean; disabled?: boolean; redirectUri?: string[]; clientId?: string[]; scopes?: string[] };

const setPolicy = defineCommand<PolicyOptions>({
  name: "set",
  summary: "change the OAuth policy; lists given replace the stored ones, an empty value ('') clears a list; omitted fields stay",
  options: [
    projectOption,
    { flags: "--enabled", description: "enable the project's MCP endpoint" },
    { flags: "--disabled", description: "disable the project's MCP endpoint: no credential reaches it and OAuth tokens fail validation" },
    { flags: "--redirect-uri <uri>", description: "allowed redirect URI, exact match (repeat the flag, or comma-separate)", parse: collectList },
    { flags: "--client-id <id>", description: "allowed OAuth client id: cli_… or a client metadata document URL https://… (repeat or comma-separate; none = any client)", parse: collectList },
    { flags: "--scopes <scopes>", description: "the scope ceiling, e.g. contacts:read,contacts:write (repeat or comma-separate)", parse: collectList },
  ],
  examples: ["tengine policy set --project acme-crm --redirect-uri http://127.0.0.1:33418/callback --scopes contacts:read"],
  json: "{ project, mcpUrl, mcpEnabled, redirectUris, clientIds, scopes, changed }",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    if (opts.enabled && opts.disabled) throw new AppError("bad_request", "give --enabled or --disabled, not both");
    const changes = {
      ...(opts.enabled ? { mcpEnabled: true } : opts.disabled ? { mcpEnabled: false } : {}),
      ...(opts.redirectUri !== undefined ? { redirectUris: opts.redirectUri } : {}),
      ...(opts.clientId !== undefined ? { clientIds: opts.clientId } : {}),
      ...(opts.scopes !== undefined ? { scopes: opts.scopes } : {}),
    };
    if (Object.keys(changes).length === 0) throw new AppError("bad_request", "nothing to change: give --enabled/--disabled, --redirect-uri, --client-id and/or --scopes");
    const { after, changed } = await setOAuthPolicy(ctx.db, { projectId: project.id, actor: CLI_ACTOR, ...changes });
    print(json, { project: project.slug, mcpUrl: `${gatewayUrl}/p/${project.slug}/mcp`, ...after, changed });
  },
});

const showPolicy = defineCommand<{ project: string }>({
  name: "show",
  summary: "the project's OAuth policy",
  options: [projectOption],
  examples: ["tengine policy show --project acme-crm"],
  json: "{ project, mcpUrl, mcpEnabled, redirectUris, clientIds, scopes }",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    print(json, { project: project.slug, mcpUrl: `${gatewayUrl}/p/${project.slug}/mcp`, ...(await getOAuthPolicy(ctx.db, project.id)) });
  },
});

export const policyGroup = defineGroup({ name: "policy", summary: "OAuth policy of a project: MCP enabled, redirect URIs, client ids, scope ceiling (docs/oauth.md)", commands: [setPolicy, showPolicy] });

const listConns = defineCommand<{ project: string }>({
  name: "list",
  summary: "the project's OAuth connections",
  options: [projectOption],
  examples: ["tengine connections list --project acme-crm"],
  json: "[{ id, user: { email, … }, client: { id, name, … }, scopes, status, revokedReason, createdAt, lastUsedAt }]",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const rows = await listConnections(ctx.db, { projectId: project.id });
    print(json, rows, {
      rows: rows.map((c) => ({ id: c.id, user: c.user.email, client: c.client.name, clientId: c.client.id, scopes: c.scopes, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, status: c.revokedReason ? `revoked (${c.revokedReason})` : c.status })),
      columns: ["id", "user", "client", "scopes", "createdAt", "lastUsedAt", "status"],
    });
  },
});

const revokeConn = defineCommand<{ project: string }>({
  name: "revoke",
  summary: "revoke a connection: its access and refresh tokens stop working at once",
  args: [{ name: "connId", description: "the connection's id (conn_…)" }],
  options: [projectOption],
  examples: ["tengine connections revoke --project acme-crm conn_01jd8x9y7z6w5v4t3s2r1q0p9n"],
  json: "the revoked connection",
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    // revokeConnection records the audit entry (oauth_connection.revoke).
    print(json, await revokeConnection(ctx.db, { projectId: project.id, connectionId: args.connId!, actor: CLI_ACTOR, reason: "admin" }));
  },
});

export const connectionsGroup = defineGroup({ name: "connections", summary: "OAuth connections (one user's grant to one client on one project)", commands: [listConns, revokeConn] });
