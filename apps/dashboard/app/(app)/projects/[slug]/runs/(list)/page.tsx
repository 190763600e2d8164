import { listRunFilterOptions, listRunPrincipals, listRuns, projectPulse } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { hasFilters, parseRunsQuery, runsHref, toListRunsInput } from "@/components/runs/filters.ts";
import { RunFilters } from "@/components/runs/run-filters.tsx";
import { RunsTable } from "@/components/runs/runs-table.tsx";
import { LiveRefresh } from "@/components/shell/live-refresh.tsx";
import { EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Runs" };

const PAGE_SIZE = 50;

/**
 * Run history. Filters and the page position live in the URL; pages are keyset ranges on the
 * time-sortable run id (no OFFSET, no COUNT), so any page of millions of runs costs the same
 * (bench/runs-table.ts).
 */
export default async function RunsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const query = parseRunsQuery(await searchParams);
  const { project } = await loadProject(slug);
  const db = getDb();
  // Read before the page's data: what changes after it shows on the first live check.
  const pulse = await projectPulse(db, project.id);
  const [page, options] = await Promise.all([listRuns(db, project.id, toListRunsInput(query, Date.now(), PAGE_SIZE)), listRunFilterOptions(db, project.id)]);
  const names = await listRunPrincipals(db, project.id, page.runs);
  const filters = { tool: query.tool, status: query.status, principal: query.principal, key: query.key, member: query.member, range: query.range, from: query.from, to: query.to, q: query.q, http: query.http, slower: query.slower };
  const filtered = hasFilters(query);
  const paged = !!(query.cursor || query.after);

  return (
    <>
      <PageReady />
      <PageHeader title="Runs" description="Every tool call — succeeded, failed, denied, deduplicated, rate limited or pending — newest first." actions={<LiveRefresh slug={project.slug} pulse={pulse} />} />
      <RunFilters slug={project.slug} filters={filters} toolNames={options.toolNames} keys={options.keys} members={options.members} />
      {page.runs.length === 0 ? (
        filtered || paged ? (
          <EmptyState
            title={paged ? "No more runs here" : "No runs match these filters"}
            action={
              <Link href={runsHref(project.slug, paged ? filters : {})} className="text-sm font-medium text-indigo-700 hover:underline">
                {paged ? "Back to the newest runs" : "Clear filters"}
              </Link>
            }
          >
            Try another search, tool, status, member or a wider time range.
          </EmptyState>
        ) : (
          <EmptyState
            title="No runs yet"
            action={
              <div className="flex flex-wrap justify-center gap-3 text-sm font-medium">
                <Link href={`/projects/${project.slug}/keys`} className="text-indigo-700 hover:underline">Create an API key</Link>
                <span aria-hidden className="text-slate-300">·</span>
                <Link href={`/projects/${project.slug}/tools`} className="text-indigo-700 hover:underline">Try a tool</Link>
              </div>
            }
          >
            Each tool call is recorded here with its request, response and timings. Connect a client with an API key, or use Try it on a tool, and the run shows up at once.
          </EmptyState>
        )
      ) : (
        <>
          <RunsTable slug={project.slug} runs={page.runs} names={names} />
          <nav aria-label="Pagination" className="mt-4 flex items-center justify-between gap-3 text-sm">
            <p className="text-slate-500">
              {page.runs.length} run{page.runs.length === 1 ? "" : "s"} on this page
            </p>
            <div className="flex gap-2">
              {page.prevCursor ? (
                <>
                  <PageLink href={runsHref(project.slug, filters)}>Newest</PageLink>
                  <PageLink href={runsHref(project.slug, { ...filters, after: page.prevCursor })}>← Newer</PageLink>
                </>
              ) : (
                <PageLink>← Newer</PageLink>
              )}
              <PageLink href={page.nextCursor ? runsHref(project.slug, { ...filters, cursor: page.nextCursor }) : undefined}>Older →</PageLink>
            </div>
          </nav>
        </>
      )}
    </>
  );
}

function PageLink({ href, children }: { href?: string; children: ReactNode }) {
  const style = "inline-flex items-center rounded-md px-3 py-1.5 font-medium ring-1 ring-inset";
  if (!href)
    return (
      <span aria-disabled="true" className={`${style} cursor-not-allowed text-slate-300 ring-slate-200`}>
        {children}
      </span>
    );
  return (
    <Link href={href} className={`${style} bg-white text-slate-800 shadow-sm ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}>
      {children}
    </Link>
  );
}
