import { type AuditEntryView, csvField, describeAuditEntries, listAudit, roleAtLeast } from "@tengine/core";
import { auditFilters, parseAuditQuery } from "@/components/org/audit-filters.ts";
import { currentOrgOf } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { routeUser } from "@/server/route-access.ts";
import { streamExport } from "@/server/stream-export.ts";

export const dynamic = "force-dynamic";

const MAX_EXPORTED = 50_000;
const PAGE = 200;
// Names beside the ids, as the page shows them (the ids stay: they do not change when a name does).
const COLUMNS = ["id", "createdAt", "actor", "actorEmail", "action", "project", "targetType", "target", "targetId", "details"] as const;

/**
 * The audit log of the current organization, filtered like the page, as CSV (newest first, at
 * most 50,000 entries). Admins and owners only, as the page.
 */
export async function GET(request: Request) {
  const caller = await routeUser();
  if (!caller.ok) return caller.response;
  const { current: org } = await currentOrgOf(caller.user.id);
  if (!org || !roleAtLeast(org.role, "admin")) return Response.json({ error: "only admins and owners can export the audit log" }, { status: 403 });
  const db = getDb();
  const query = parseAuditQuery(Object.fromEntries(new URL(request.url).searchParams));
  const projects = await db.project.findMany({ where: { orgId: org.id }, select: { id: true, slug: true } });
  const project = query.project ? projects.find((p) => p.slug === query.project) : undefined;
  const slugOf = new Map(projects.map((p) => [p.id, p.slug]));
  return streamExport({
    filename: `${org.slug}-audit-${new Date().toISOString().slice(0, 10)}.csv`,
    contentType: "text/csv; charset=utf-8",
    head: `${COLUMNS.join(",")}\n`,
    max: MAX_EXPORTED,
    // A project slug that is not this organization's matches nothing.
    page: async (cursor) => {
      if (query.project && !project) return { items: [], nextCursor: null };
      const page = await listAudit(db, org.id, { limit: PAGE, ...auditFilters(query, project?.id), ...(cursor ? { cursor } : {}) });
      const views = await describeAuditEntries(db, org.id, page.entries);
      return { items: page.entries.map((entry) => ({ entry, view: views.get(entry.id) as AuditEntryView | undefined })), nextCursor: page.nextCursor };
    },
    line: ({ entry: e, view }) =>
      `${[e.id, e.createdAt, view?.actorLabel ?? e.actorEmail, e.actorEmail, e.action, e.projectId ? (slugOf.get(e.projectId) ?? e.projectId) : null, e.targetType, view?.target?.label ?? null, e.targetId, e.details].map(csvField).join(",")}\n`,
  });
}
