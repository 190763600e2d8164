import { listKeyToolsets, listMcpServers, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import { AddMcpServerForm } from "@/components/mcp-servers/add-mcp-server-form.tsx";
import { KeyToolsetsForm } from "@/components/mcp-servers/key-toolsets-form.tsx";
import { McpServerButtons } from "@/components/mcp-servers/mcp-server-buttons.tsx";
import { McpToolSettings } from "@/components/mcp-servers/mcp-tool-settings.tsx";
import { relativeTime } from "@/components/runs/format.ts";
import { Badge, Card, EmptyState, PageHeader, Table, Td } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";

export const metadata: Metadata = { title: "MCP servers" };

export default async function McpServersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role } = await loadProject(slug);
  const servers = await listMcpServers(getDb(), project.id);
  const canManage = roleAtLeast(role, "admin");
  const onRequest = servers.filter((s) => s.activation === "requested").map((s) => s.name);
  // Only when a server waits to be asked for: which keys ask for which servers.
  const keys = onRequest.length && canManage ? await listKeyToolsets(getDb(), project.id) : [];
  const catalog = [...dashboardConfig().federation.catalog.keys()];
  const now = Date.now();

  return (
    <>
      <PageHeader
        title="MCP servers"
        description={
          <>
            External MCP servers whose tools this project serves as <code className="font-mono text-xs">&lt;server&gt;_&lt;tool&gt;</code>, with the same scopes,
            approvals, rate limits and run history as its HTTP tools.
          </>
        }
      />
      {canManage ? (
        <Card title="Add a server" description="A Streamable HTTP URL, or an entry of the catalog your deployment provides." className="mb-8">
          <AddMcpServerForm slug={project.slug} catalog={catalog} />
        </Card>
      ) : null}
      {servers.length === 0 ? (
        <EmptyState title="No MCP servers yet">{canManage ? "Add one above: its tools appear in the project's tools/list at once." : "Admins of this organization can add servers."}</EmptyState>
      ) : (
        <Table head={["Name", "Transport", "Endpoint", "Status", "Protocol", "Tools", "Last error", "Checked", <span key="a" className="sr-only">Actions</span>]}>
          {servers.map((s) => (
            <tr key={s.id}>
              <Td className="font-medium text-slate-900">
                {s.name}
                {s.activation === "requested" ? <span className="ml-1.5"><Badge color="gray">on request</Badge></span> : null}
              </Td>
              <Td>{s.transport}</Td>
              <Td><code className="font-mono text-xs text-slate-700">{s.url ?? `catalog: ${s.catalogEntry}`}</code></Td>
              <Td>{s.status === "ok" ? <Badge color="green">ok</Badge> : s.status === "error" ? <Badge color="red">error</Badge> : <Badge color="amber">pending</Badge>}</Td>
              <Td>{s.protocolVersion ? <code className="font-mono text-xs text-slate-700">{s.protocolVersion}</code> : <span className="text-slate-400">—</span>}</Td>
              <Td><span title={s.tools.map((t) => t.name).join(", ")}>{s.toolCount}</span></Td>
              <Td className="max-w-md whitespace-normal text-xs text-red-800">{s.lastError ?? <span className="text-slate-400">—</span>}</Td>
              <Td>{s.lastCheckedAt ? <time dateTime={s.lastCheckedAt.toISOString()}>{relativeTime(s.lastCheckedAt, now)}</time> : <span className="text-slate-400">never</span>}</Td>
              <Td className="text-right">{canManage ? <McpServerButtons slug={project.slug} name={s.name} /> : null}</Td>
            </tr>
          ))}
        </Table>
      )}
      {servers
        .filter((s) => s.tools.length > 0)
        .map((s) => (
          <Card
            key={s.id}
            title={`Tools of ${s.name}`}
            description={`Disable a tool, rename it, set its scopes (default ${s.name}:write, or ${s.name}:read when read-only) or make every call wait for approval. Empty fields use the defaults shown.`}
            className="mt-8"
          >
            <McpToolSettings slug={project.slug} server={s.name} tools={s.tools} canManage={canManage} />
          </Card>
        ))}
      {onRequest.length && canManage ? (
        <Card
          title="Toolsets of API keys"
          description={`Servers listed on request (${onRequest.join(", ")}) are listed only for keys that name them here, and for member sessions those keys mint. Comma-separated server names; empty: none.`}
          className="mt-8"
        >
          {keys.length === 0 ? (
            <p className="text-sm text-slate-600">This project has no usable API keys.</p>
          ) : (
            <Table head={["Key", "Toolsets"]}>
              {keys.map((k) => (
                <tr key={k.id}>
                  <Td className="font-medium text-slate-900">
                    {k.name} <code className="ml-1 font-mono text-xs text-slate-500">{k.prefix}…</code>
                  </Td>
                  <Td>
                    <KeyToolsetsForm slug={project.slug} keyId={k.id} label={k.name} toolsets={k.toolsets} servers={onRequest} />
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      ) : null}
    </>
  );
}
