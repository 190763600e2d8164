import { z } from "zod";

/** The audit log's filters as URL search params; a bad value is dropped, the rest still apply. */
const schema = z.object({
  actor: z.string().trim().toLowerCase().email().max(320).optional().catch(undefined),
  /** an action (`tool.update`) or a kind (`tool.*`) */
  action: z.string().trim().regex(/^[a-z_]+(?:\.[a-z_]+)*(?:\.\*)?$/).max(100).optional().catch(undefined),
  project: z.string().trim().regex(/^[a-z0-9-]{1,64}$/).optional().catch(undefined),
  /** YYYY-MM-DD (UTC days) */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  before: z.string().regex(/^aud_[0-9a-z]{26}$/).optional().catch(undefined),
});

export type AuditQuery = z.output<typeof schema>;

export function parseAuditQuery(params: Record<string, string | string[] | undefined>): AuditQuery {
  const first = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  return Object.fromEntries(Object.entries(schema.parse(first)).filter(([, v]) => v !== undefined)) as AuditQuery;
}

/** What core `listAudit` gets: the project by id (looked up in the org by the caller), days as bounds. */
export function auditFilters(query: AuditQuery, projectId: string | undefined) {
  return {
    ...(query.actor ? { actorEmail: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(projectId ? { projectId } : {}),
    ...(query.from ? { since: new Date(`${query.from}T00:00:00.000Z`) } : {}),
    // `to` is inclusive: up to the end of that day
    ...(query.to ? { until: new Date(new Date(`${query.to}T00:00:00.000Z`).getTime() + 86_400_000) } : {}),
  };
}

/** `?actor=…&action=…` for the given filters (and page). */
export function auditQueryString(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const name of ["actor", "action", "project", "from", "to", "before"] as const) if (query[name]) params.set(name, query[name]!);
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

export const hasAuditFilters = (query: AuditQuery) => !!(query.actor || query.action || query.project || query.from || query.to);
