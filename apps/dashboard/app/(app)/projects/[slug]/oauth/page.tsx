import { listConnections, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionsTable } from "@/components/oauth-admin/connections-table.tsx";
import { PolicyForm } from "@/components/oauth-admin/policy-form.tsx";
import { serverName } from "@/components/overview/setup-snippets.ts";
import { Callout, SettingsSection } from "@/components/settings/settings-section.tsx";
import { Code, CopyButton, EmptyState } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "OAuth" };

const CLAUDE_REDIRECT = "http://localhost:3118/callback";

export default async function OAuthPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role, user } = await loadProject(slug);
  const db = getDb();
  const [connections, tools] = await Promise.all([listConnections(db, { projectId: project.id }), db.tool.findMany({ where: { projectId: project.id, enabled: true }, select: { requiredScopes: true } })]);
  const isAdmin = roleAtLeast(role, "admin");
  const mcpUrl = `${dashboardConfig().gatewayUrl}/p/${project.slug}/mcp`;
  const command = `claude mcp add --transport http --callback-port 3118 ${serverName(project.slug)} ${mcpUrl}`;
  const toolScopes = [...new Set(tools.flatMap((t) => t.requiredScopes))].sort();
  const active = connections.filter((c) => c.status === "active").length;

  return (
    <div>
      <PageReady />
      {isAdmin ? null : (
        <p className="mb-2 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-600">
          You are {role === "member" ? "a member" : "a viewer"} of this organization: you can see the policy and revoke your own connections; an admin can change the policy.
        </p>
      )}

      <SettingsSection
        id="connect"
        title="Connect with OAuth"
        description={
          <>
            <p>AI clients that support OAuth open the browser: the user signs in, approves the scopes on a consent screen and the client gets short-lived tokens. No API key to copy.</p>
            <p>
              Setup for Cursor, VS Code and the TypeScript SDK is on the{" "}
              <Link href={`/projects/${project.slug}`} className="font-medium text-indigo-700 hover:underline">
                project&apos;s overview
              </Link>
              .
            </p>
          </>
        }
      >
        <div className="space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
          <div>
            <p className="text-sm font-medium text-slate-800">MCP URL</p>
            <div className="mt-1.5 flex items-center gap-2">
              <code className="min-w-0 flex-1 truncate rounded-md bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800 ring-1 ring-inset ring-slate-200" data-testid="oauth-mcp-url">{mcpUrl}</code>
              <CopyButton value={mcpUrl} label="Copy URL" />
            </div>
          </div>
          <div>
            <p className="text-sm font-medium text-slate-800">Claude Code</p>
            <div className="mt-1.5 flex items-start gap-2">
              <pre className="min-w-0 flex-1 whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100" data-testid="oauth-claude-command">{command}</pre>
              <CopyButton value={command} label="Copy command" />
            </div>
            <p className="mt-1.5 text-xs text-slate-500">Then run <Code>/mcp</Code> in Claude Code and choose Authenticate.</p>
          </div>
          {!project.mcpEnabled ? (
            <Callout tone="warning" title="MCP is disabled for this project">Clients cannot connect until an admin enables it below.</Callout>
          ) : !project.oauthRedirectUris.includes(CLAUDE_REDIRECT) ? (
            <Callout tone="warning" title="Claude Code's redirect URI is not allowed">
              Add <Code>{CLAUDE_REDIRECT}</Code> to the allowed redirect URIs below, or sign-in ends with &ldquo;redirect_uri is not allowed&rdquo;.
            </Callout>
          ) : null}
        </div>
      </SettingsSection>

      <SettingsSection
        id="policy"
        title="Policy"
        description={
          <>
            <p>What any OAuth client may get for this project. Changes apply at once on every gateway: tokens that exceed a tightened policy fail with &ldquo;Token validation failed&rdquo; until the user connects again.</p>
          </>
        }
      >
        <PolicyForm
          slug={project.slug}
          readOnly={!isAdmin}
          toolScopes={toolScopes}
          initial={{ mcpEnabled: project.mcpEnabled, redirectUris: project.oauthRedirectUris, clientIds: project.oauthClientIds, scopes: project.oauthScopes }}
        />
      </SettingsSection>

      <section aria-labelledby="connections-title" className="py-8">
        <div className="mb-4">
          <h2 id="connections-title" className="text-base font-semibold text-slate-900">Connections</h2>
          <p className="mt-1 text-sm text-slate-500">
            Each connection is one person&apos;s grant to one client. {active} active{connections.length > active ? `, ${connections.length - active} revoked` : ""}.
            {isAdmin ? " As an admin you can revoke any of them." : " You can revoke your own."}
          </p>
        </div>
        {connections.length === 0 ? (
          <EmptyState title="No connections yet">Connect Claude Code with the command above: after you approve the consent screen, the connection shows up here.</EmptyState>
        ) : (
          <ConnectionsTable connections={connections} view="project" slug={project.slug} currentUserId={user.id} canRevoke={(c) => isAdmin || c.user.id === user.id} />
        )}
      </section>
    </div>
  );
}
