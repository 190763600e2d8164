// The subpath, not the package index: this file is also bundled for the browser (run-filters.tsx).
import { HTTP_STATUS_FILTER, RUN_TIME_RANGES, runFilterInput } from "@tengine/core/runs/run-filter";
import { z } from "zod";
import { PRINCIPAL_KINDS, RUN_STATUSES, type PrincipalKind, type RunStatus } from "./format.ts";

/** Preset time ranges of the runs filter; "custom" uses `from`/`to`. */
export const TIME_RANGES = [
  { value: "1h", label: "Last hour", ms: RUN_TIME_RANGES["1h"] },
  { value: "24h", label: "Last 24 hours", ms: RUN_TIME_RANGES["24h"] },
  { value: "7d", label: "Last 7 days", ms: RUN_TIME_RANGES["7d"] },
  { value: "30d", label: "Last 30 days", ms: RUN_TIME_RANGES["30d"] },
] as const;

export type RunFilters = {
  tool?: string;
  status?: RunStatus;
  principal?: PrincipalKind;
  key?: string;
  /** a member id (member session runs) */
  member?: string;
  range?: (typeof TIME_RANGES)[number]["value"] | "custom";
  /** ISO timestamps, for range=custom */
  from?: string;
  to?: string;
  /** a run id, or text in the arguments, response body or error */
  q?: string;
  /** an HTTP status class (4xx) or status (404) */
  http?: string;
  /** gateway plus upstream milliseconds, at least */
  slower?: string;
};

/** The HTTP status choices of the filter menu (any single status works in the URL too). */
export const HTTP_STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;

export type RunsQuery = RunFilters & { cursor?: string; after?: string };

const runId = z.string().regex(/^run_[0-9a-z]{26}$/);
const isoDate = z.string().max(40).refine((v) => !Number.isNaN(Date.parse(v)));
// Each parameter on its own: a bad value (hand-edited URL) is dropped, the rest still apply.
const schema = z.object({
  tool: z.string().min(1).max(64).optional().catch(undefined),
  status: z.enum(RUN_STATUSES.map((s) => s.value) as [RunStatus, ...RunStatus[]]).optional().catch(undefined),
  principal: z.enum(PRINCIPAL_KINDS.map((k) => k.value) as [PrincipalKind, ...PrincipalKind[]]).optional().catch(undefined),
  key: z.string().regex(/^key_[0-9a-z]{26}$/).optional().catch(undefined),
  member: z.string().trim().min(1).max(256).optional().catch(undefined),
  range: z.enum(["1h", "24h", "7d", "30d", "custom"]).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  q: z.string().trim().min(1).max(200).optional().catch(undefined),
  http: z.string().regex(HTTP_STATUS_FILTER).optional().catch(undefined),
  slower: z.string().regex(/^\d{1,7}$/).optional().catch(undefined),
  cursor: runId.optional().catch(undefined),
  after: runId.optional().catch(undefined),
});

/** The runs page's URL search params, validated. */
export function parseRunsQuery(params: Record<string, string | string[] | undefined>): RunsQuery {
  const first = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  const parsed = schema.parse(first);
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as RunsQuery;
}

/** What listRuns gets for a query: the filter (core runFilterInput), its range as bounds, and the page. */
export function toListRunsInput(query: RunsQuery, now: number, limit: number) {
  const preset = TIME_RANGES.find((r) => r.value === query.range);
  const since = preset ? new Date(now - preset.ms) : query.range === "custom" && query.from ? new Date(query.from) : undefined;
  const until = query.range === "custom" && query.to ? new Date(query.to) : undefined;
  return {
    limit,
    ...runFilterInput({ tool: query.tool, status: query.status, principal: query.principal, key: query.key, member: query.member, since, until, search: query.q, httpStatus: query.http, slowerThanMs: query.slower ? Number(query.slower) : undefined }),
    ...(query.cursor ? { cursor: query.cursor } : query.after ? { after: query.after } : {}),
  };
}

export function hasFilters(query: RunsQuery): boolean {
  return !!(query.tool || query.status || query.principal || query.key || query.member || query.range || query.q || query.http || query.slower);
}

/** `/projects/<slug>/runs?…` for the given filters and page. */
export function runsHref(slug: string, query: RunsQuery): string {
  const params = new URLSearchParams();
  for (const name of ["q", "tool", "status", "principal", "key", "member", "http", "slower", "range", "from", "to", "cursor", "after"] as const) {
    const value = query[name];
    if (!value) continue;
    if ((name === "from" || name === "to") && query.range !== "custom") continue;
    params.set(name, value);
  }
  const qs = params.toString();
  return `/projects/${slug}/runs${qs ? `?${qs}` : ""}`;
}

/** The export of the runs these filters select (no page position: the export starts at the newest). */
export function runsExportHref(slug: string, filters: RunFilters, format: "csv" | "json"): string {
  const query = runsHref(slug, { ...filters }).split("?")[1];
  return `/api/projects/${slug}/runs/export?format=${format}${query ? `&${query}` : ""}`;
}
