import { listApiKeys, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { CreateKeyForm } from "@/components/keys/create-key-form.tsx";
import { RevokeKeyButton } from "@/components/keys/revoke-key-button.tsx";
import { relativeTime } from "@/components/runs/format.ts";
import { LocalTime } from "@/components/runs/local-time.tsx";
import { Badge, Card, EmptyState, PageHeader, Table, Td } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role } = await loadProject(slug);
  const keys = await listApiKeys(getDb(), project.id);
  const canManage = roleAtLeast(role, "member");
  const mcpUrl = `${dashboardConfig().gatewayUrl}/p/${project.slug}/mcp`;
  const now = Date.now();
  const status = (k: (typeof keys)[number]) => (k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt.getTime() <= now ? "expired" : "active");

  return (
    <>
      <PageReady />
      <PageHeader
        title="API keys"
        description={
          <>
            Your backend or an AI client sends a key as <code className="font-mono text-xs">Authorization: Bearer tengine_…</code> to this project&apos;s MCP URL. A key
            without scopes has full access to the project&apos;s tools.
          </>
        }
      />
      {canManage ? (
        <Card title="Create a key" description="The key is shown once, right after you create it." className="mb-8">
          <CreateKeyForm slug={project.slug} mcpUrl={mcpUrl} />
        </Card>
      ) : null}

      {keys.length === 0 ? (
        <EmptyState title="No API keys yet">
          {canManage
            ? "Create one above, then paste the Claude Code command it comes with, or send it from your backend."
            : "Members of this organization can create keys. As a viewer you can see them here once they exist."}
        </EmptyState>
      ) : (
        <Table head={["Name", "Key", "Scopes", "Expires", "Last used", "Created", "Status", <span key="a" className="sr-only">Actions</span>]}>
          {keys.map((k) => {
            const state = status(k);
            return (
              <tr key={k.id} className={state === "active" ? "" : "bg-slate-50/60"}>
                <Td className={`font-medium ${state === "active" ? "text-slate-900" : "text-slate-500"}`}>{k.name}</Td>
                <Td><code className="font-mono text-xs text-slate-700">{k.prefix}…</code></Td>
                <Td className="whitespace-normal">
                  {k.scopes.length ? (
                    <span className="flex min-w-40 flex-wrap gap-1">
                      {k.scopes.map((s) => (
                        <Badge key={s} color={s.endsWith(":write") ? "amber" : "gray"}>{s}</Badge>
                      ))}
                    </span>
                  ) : (
                    <Badge color="blue">full access</Badge>
                  )}
                </Td>
                <Td>{k.expiresAt ? <span className={state === "expired" ? "text-amber-800" : ""}><LocalTime iso={k.expiresAt.toISOString()} format="date" /></span> : <span className="text-slate-400">never</span>}</Td>
                <Td>{k.lastUsedAt ? <time dateTime={k.lastUsedAt.toISOString()} title={k.lastUsedAt.toISOString()}>{relativeTime(k.lastUsedAt, now)}</time> : <span className="text-slate-400">never</span>}</Td>
                <Td><time dateTime={k.createdAt.toISOString()} title={k.createdAt.toISOString()}>{relativeTime(k.createdAt, now)}</time></Td>
                <Td>
                  {state === "active" ? <Badge color="green">active</Badge> : state === "expired" ? <Badge color="amber">expired</Badge> : <Badge color="red">revoked</Badge>}
                  {k.revokedAt ? <span className="ml-1.5 text-xs text-slate-500">{relativeTime(k.revokedAt, now)}</span> : null}
                </Td>
                <Td className="text-right">
                  <span className="inline-flex items-center gap-3">
                    <Link href={`/projects/${project.slug}/runs?key=${k.id}`} className="text-xs font-medium text-indigo-700 hover:underline" aria-label={`Runs of ${k.name}`}>
                      Runs
                    </Link>
                    {canManage && state !== "revoked" ? <RevokeKeyButton slug={project.slug} keyId={k.id} name={k.name} prefix={k.prefix} /> : null}
                  </span>
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
    </>
  );
}
