import { getToolView, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { MethodBadge } from "@/components/tools/method-badge.tsx";
import { ToolUsage } from "@/components/tools/tool-usage.tsx";
import { ToolWorkspace } from "@/components/tools/tool-workspace.tsx";
import { Badge, PageHeader } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";

type Props = { params: Promise<{ slug: string; name: string }>; searchParams: Promise<{ created?: string; renamed?: string; args?: string }> };

/** `?args=` from a run's "Open in Try it": pretty JSON when it parses, else nothing. */
function tryArguments(raw: string | undefined): string | undefined {
  if (!raw || raw.length > 8000) return undefined;
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return undefined;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeName(name) };
}

/** Tool names need no encoding, but a hand-typed URL may carry any escape. */
function decodeName(name: string) {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

export default async function ToolPage({ params, searchParams }: Props) {
  const { slug, name } = await params;
  const { created, renamed, args } = await searchParams;
  const { project, role } = await loadProject(slug);
  const tool = await getToolView(getDb(), project.id, decodeName(name));
  if (!tool) notFound();
  const canEdit = roleAtLeast(role, "member");
  return (
    <>
      <Link href={`/projects/${project.slug}/tools`} className="text-sm text-slate-500 hover:text-slate-800">← Tools</Link>
      <PageHeader
        title={<span className="break-all font-mono">{tool.name}</span>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {tool.title ? <span>{tool.title}</span> : null}
            <MethodBadge method={tool.method} />
            <Badge color={tool.enabled ? "green" : "gray"}>{tool.enabled ? "enabled" : "disabled"}</Badge>
            <Badge color={tool.source === "openapi" ? "blue" : "gray"}>{tool.source === "openapi" ? `OpenAPI${tool.operationId ? ` · ${tool.operationId}` : ""}` : "manual"}</Badge>
          </span>
        }
        actions={canEdit ? <a href="#try-it" className="rounded-md px-3 py-2 text-sm font-medium text-indigo-600 ring-1 ring-inset ring-indigo-200 hover:bg-indigo-50 lg:hidden">Try it ↓</a> : null}
      />
      {created ? (
        <div role="status" className="mb-5 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          Tool created. Try it with real arguments, then connect a client with an API key.
        </div>
      ) : renamed ? (
        <div role="status" className="mb-5 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          Saved and renamed from <code className="font-mono">{renamed}</code>. Clients that call the old name now get “unknown tool”.
        </div>
      ) : null}
      <ToolWorkspace
        slug={project.slug}
        canEdit={canEdit}
        initialArgs={tryArguments(args)}
        tool={{
          id: tool.id,
          name: tool.name,
          title: tool.title,
          description: tool.description,
          enabled: tool.enabled,
          inputSchema: tool.inputSchema,
          ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
          annotations: tool.annotations,
          requiredScopes: tool.requiredScopes,
          requiresApproval: tool.requiresApproval,
          method: tool.method,
          url: tool.url,
          query: tool.query,
          headers: tool.headers,
          body: tool.body,
          auth: tool.auth,
          timeoutMs: tool.timeoutMs,
          maxAttempts: tool.maxAttempts,
          maxResponseBytes: tool.maxResponseBytes,
          idempotencyWindowSec: tool.idempotencyWindowSec,
          source: tool.source,
        }}
      />
      <Suspense fallback={<p className="mt-6 text-sm text-slate-500">Loading usage…</p>}>
        <ToolUsage projectId={project.id} slug={project.slug} toolName={tool.name} />
      </Suspense>
    </>
  );
}
