import { describeAuditEntries, listAudit, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { AuditFilterForm } from "@/components/org/audit-filter-form.tsx";
import { auditFilters, auditQueryString, hasAuditFilters, parseAuditQuery } from "@/components/org/audit-filters.ts";
import { AuditTable } from "@/components/org/audit-table.tsx";
import { EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadCurrentOrg } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { current } = await loadCurrentOrg();
  if (!current) return <EmptyState title="You are not in any organization">Ask an admin to add you, or sign up again to create one.</EmptyState>;
  if (!roleAtLeast(current.role, "admin")) {
    return (
      <>
        <PageReady />
        <PageHeader title="Audit log" />
        <EmptyState title="Only admins can read the audit log">
          You are {current.role === "member" ? "a member" : "a viewer"} of {current.name}. Ask an admin or owner if you need to know who changed something.
        </EmptyState>
      </>
    );
  }
  const query = parseAuditQuery(await searchParams);
  const { before } = query;
  const filters = { ...query, before: undefined };
  const db = getDb();
  const orgProjects = await db.project.findMany({ where: { orgId: current.id }, select: { id: true, name: true, slug: true }, orderBy: { name: "asc" } });
  const filterProject = query.project ? orgProjects.find((p) => p.slug === query.project) : undefined;
  // A project slug that is not this organization's matches nothing (never another org's entries).
  const { entries, nextCursor } =
    query.project && !filterProject ? { entries: [], nextCursor: null } : await listAudit(db, current.id, { limit: PAGE_SIZE, ...auditFilters(query, filterProject?.id), ...(before ? { cursor: before } : {}) });
  const byId = new Map(orgProjects.map((p) => [p.id, p]));
  const views = await describeAuditEntries(db, current.id, entries);

  return (
    <>
      <PageReady />
      <PageHeader title="Audit log" description={`Every administrative change in ${current.name}: who did what, when. Newest first; secret values are never recorded.`} />
      <AuditFilterForm query={query} projects={orgProjects} exportHref={`/api/org/audit/export${auditQueryString(filters)}`} />
      {entries.length === 0 ? (
        hasAuditFilters(query) && !before ? (
          <EmptyState title="No entries match these filters" action={<Link href="/org/audit" className="text-sm font-medium text-indigo-700 hover:underline">Clear filters</Link>}>
            Try another person, action or a wider date range.
          </EmptyState>
        ) : before ? (
          <EmptyState title="No older entries" action={<Link href="/org/audit" className="text-sm font-medium text-indigo-700 hover:underline">Back to the newest</Link>}>
            You have reached the beginning of the log.
          </EmptyState>
        ) : (
          <EmptyState title="Nothing recorded yet">Changes to projects, tools, keys, settings and members appear here as soon as someone makes them.</EmptyState>
        )
      ) : (
        <>
          <AuditTable
            now={Date.now()}
            entries={entries.map((e) => ({ id: e.id, createdAt: e.createdAt, actorEmail: e.actorEmail, actorUserId: e.actorUserId, action: e.action, targetType: e.targetType, targetId: e.targetId, details: e.details, project: e.projectId ? (byId.get(e.projectId) ?? null) : null, view: views.get(e.id) }))}
          />
          <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between gap-3">
            <p className="text-xs text-slate-500">
              {entries.length} {entries.length === 1 ? "entry" : "entries"}
              {before ? " (older page)" : ""}
            </p>
            <div className="flex gap-2">
              {before ? (
                <Link href={`/org/audit${auditQueryString(filters)}`} className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
                  Newest
                </Link>
              ) : null}
              {nextCursor ? (
                <Link href={`/org/audit${auditQueryString({ ...filters, before: nextCursor })}`} className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
                  Older <span aria-hidden>→</span>
                </Link>
              ) : null}
            </div>
          </nav>
        </>
      )}
    </>
  );
}
