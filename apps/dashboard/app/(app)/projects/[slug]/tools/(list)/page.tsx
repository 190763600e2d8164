import { getToolStats, listTools, roleAtLeast, type ToolStats } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { relativeTime } from "@/components/format/relative-time.ts";
import { ToolList } from "@/components/tools/tool-list.tsx";
import { EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Tools" };

/** A tool's numbers as the list shows them (times as "3 minutes ago", computed here for hydration). */
function statsRow(stats: ToolStats | undefined, now: number) {
  if (!stats) return undefined;
  return { calls: stats.calls, errorRate: stats.errorRate, p95Ms: stats.p95Ms, lastCallLabel: stats.lastCallAt ? relativeTime(stats.lastCallAt, now) : null };
}

export default async function ToolsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ q?: string | string[] }> }) {
  const { slug } = await params;
  const { q } = await searchParams;
  const { project, role } = await loadProject(slug);
  const [tools, tagRows, stats] = await Promise.all([listTools(getDb(), project.id), getDb().tool.findMany({ where: { projectId: project.id }, select: { id: true, tags: true } }), getToolStats(getDb(), project.id)]);
  const familyOf = new Map(tagRows.map((r) => [r.id, r.tags[0]]));
  const canEdit = roleAtLeast(role, "member");
  const newTool = canEdit ? (
    <div className="flex flex-wrap justify-center gap-2">
      <Link href={`/projects/${project.slug}/tools/import`} className="inline-flex items-center gap-1.5 rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
        Import OpenAPI
      </Link>
      <Link href={`/projects/${project.slug}/tools/new`} className="inline-flex items-center gap-1.5 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
        <span aria-hidden>+</span> New tool
      </Link>
    </div>
  ) : null;
  const now = Date.now();
  return (
    <>
      <PageReady />
      <PageHeader title="Tools" description="HTTP requests your MCP clients can call. Each call is validated, signed, retried safely and recorded as a run." actions={tools.length ? newTool : null} />
      {tools.length === 0 ? (
        <EmptyState title="No tools yet" action={newTool}>
          <p>
            A tool is an HTTP request template: a method and URL, headers, a JSON body and an input schema the AI client fills in. Tengine validates the arguments,
            renders the request, adds credentials and signatures, and calls your API.
          </p>
          {canEdit ? null : <p className="mt-2">Members of this organization can create tools.</p>}
        </EmptyState>
      ) : (
        <ToolList
          slug={project.slug}
          canEdit={canEdit}
          initialQuery={typeof q === "string" ? q : ""}
          tools={tools.map((t) => ({
            id: t.id,
            name: t.name,
            title: t.title,
            description: t.description,
            method: t.method,
            url: t.url,
            enabled: t.enabled,
            requiredScopes: t.requiredScopes,
            requiresApproval: t.requiresApproval,
            readOnly: t.annotations.readOnlyHint === true,
            destructive: t.annotations.destructiveHint === true,
            source: t.source,
            family: familyOf.get(t.id),
            updatedAt: t.updatedAt.toISOString(),
            updatedLabel: relativeTime(t.updatedAt, now),
            stats: statsRow(stats.get(t.name), now),
          }))}
        />
      )}
    </>
  );
}
