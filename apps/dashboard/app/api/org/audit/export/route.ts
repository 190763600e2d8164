import { listAudit, listOrgsForUser, roleAtLeast } from "@tengine/core";
import { cookies } from "next/headers";
import { auditFilters, parseAuditQuery } from "@/components/org/audit-filters.ts";
import { ORG_COOKIE } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { currentUser } from "@/server/session.ts";

export const dynamic = "force-dynamic";

const MAX_EXPORTED = 50_000;
const PAGE = 200;
const COLUMNS = ["id", "createdAt", "actorEmail", "action", "project", "targetType", "targetId", "details"] as const;

/** One CSV field (RFC 4180). */
function csv(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The audit log of the current organization, filtered like the page, as CSV (newest first, at
 * most 50,000 entries). Admins and owners only, as the page.
 */
export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const db = getDb();
  const orgs = await listOrgsForUser(db, user.id);
  const chosen = (await cookies()).get(ORG_COOKIE)?.value;
  const org = orgs.find((o) => o.slug === chosen) ?? orgs[0];
  if (!org || !roleAtLeast(org.role, "admin")) return Response.json({ error: "only admins and owners can export the audit log" }, { status: 403 });
  const query = parseAuditQuery(Object.fromEntries(new URL(request.url).searchParams));
  const projects = await db.project.findMany({ where: { orgId: org.id }, select: { id: true, slug: true } });
  const project = query.project ? projects.find((p) => p.slug === query.project) : undefined;
  const slugOf = new Map(projects.map((p) => [p.id, p.slug]));
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(`${COLUMNS.join(",")}\n`));
      if (query.project && !project) return controller.close();
      let cursor: string | undefined;
      let sent = 0;
      try {
        do {
          const page = await listAudit(db, org.id, { limit: PAGE, ...auditFilters(query, project?.id), ...(cursor ? { cursor } : {}) });
          const rows = page.entries.slice(0, MAX_EXPORTED - sent);
          controller.enqueue(encoder.encode(rows.map((e) => `${[e.id, e.createdAt, e.actorEmail, e.action, e.projectId ? (slugOf.get(e.projectId) ?? e.projectId) : null, e.targetType, e.targetId, e.details].map(csv).join(",")}\n`).join("")));
          sent += rows.length;
          cursor = page.nextCursor ?? undefined;
        } while (cursor && sent < MAX_EXPORTED);
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${org.slug}-audit-${new Date().toISOString().slice(0, 10)}.csv"`, "cache-control": "no-store" } });
}
