import { z } from "zod";
import { type Db, Prisma } from "@tengine/db";
import { idAtTime } from "../ids/new-id.ts";
import { HTTP_STATUS_FILTER } from "./run-filter.ts";

/** A search reads at most this many of the newest matching runs (narrow it with a time range). */
export const MAX_SEARCH_MATCHES = 5000;

export const listRunsInput = z.object({
  toolId: z.string().optional(),
  toolName: z.string().optional(),
  status: z.enum(["running", "succeeded", "failed", "denied", "deduplicated", "rate_limited", "pending"]).optional(),
  apiKeyId: z.string().optional(),
  memberId: z.string().optional(),
  principalKind: z.enum(["api_key", "member", "oauth", "dashboard"]).optional(),
  userId: z.string().optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  /** the last run id of the previous page: returns the runs just older than it */
  cursor: z.string().optional(),
  /** the first run id of the current page: returns the runs just newer than it ("Newer") */
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** a run id, or text in the arguments, the response body or the error (case-insensitive) */
  search: z.string().trim().min(1).max(200).optional(),
  /** `2xx`…`5xx` or one status */
  httpStatus: z.string().regex(HTTP_STATUS_FILTER, "HTTP status is a class (2xx, 4xx…) or a status such as 404").optional(),
  /** gateway plus upstream milliseconds at least this */
  slowerThanMs: z.coerce.number().int().min(0).max(3_600_000).optional(),
});

/**
 * Newest first, keyset-paginated on the time-sortable id: every page is an index range scan on
 * (projectId[, filter], id), so page 1000 costs what page 1 costs at any table size. Time
 * bounds become id bounds for the same reason.
 *
 * `after` walks the other way (ascending from the first id of the current page, then reversed),
 * so "Newer" is as cheap as "Older". The page is always newest first; `nextCursor` pages to
 * older runs, `prevCursor` to newer ones (null on the first page). When fewer than a page of
 * newer runs remain, the first page is returned instead of a partial one.
 */
export async function listRuns(db: Db, projectId: string, raw: z.input<typeof listRunsInput> = {}): Promise<RunsPage> {
  const input = listRunsInput.parse(raw);
  const newer = input.after !== undefined && input.cursor === undefined;
  const id: Prisma.StringFilter = {};
  if (input.cursor) id.lt = input.cursor;
  if (input.until) id.lt = minString(id.lt, idAtTime("run", input.until.getTime()));
  if (input.since) id.gte = idAtTime("run", input.since.getTime());
  if (newer) id.gt = input.after;
  if (input.search !== undefined || input.slowerThanMs !== undefined) id.in = await matchingRunIds(db, projectId, input, id);
  const rows = await db.run.findMany({
    where: {
      projectId,
      ...(Object.keys(id).length ? { id } : {}),
      ...(input.httpStatus ? { httpStatus: httpStatusRange(input.httpStatus) } : {}),
      ...(input.toolId ? { toolId: input.toolId } : {}),
      ...(input.toolName ? { toolName: input.toolName } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.apiKeyId ? { apiKeyId: input.apiKeyId } : {}),
      ...(input.memberId ? { memberId: input.memberId } : {}),
      ...(input.principalKind ? { principalKind: input.principalKind } : {}),
      ...(input.userId ? { userId: input.userId } : {}),
    },
    orderBy: { id: newer ? "asc" : "desc" },
    take: input.limit + 1,
    select: runSummaryFields,
  });
  const more = rows.length > input.limit;
  if (newer) {
    // Fewer than a page of newer runs: that is the first page, shown whole.
    if (!more) return listRuns(db, projectId, { ...input, after: undefined });
    const page = rows.slice(0, input.limit).reverse();
    return { runs: page, nextCursor: page[page.length - 1]!.id, prevCursor: page[0]!.id };
  }
  const page = rows.slice(0, input.limit);
  return { runs: page, nextCursor: more ? page[page.length - 1]!.id : null, prevCursor: input.cursor && page.length ? page[0]!.id : null };
}

export type RunSummary = Prisma.RunGetPayload<{ select: typeof runSummaryFields }>;
export type RunsPage = { runs: RunSummary[]; nextCursor: string | null; prevCursor: string | null };

/** `4xx` → 400 ≤ status < 500; `404` → exactly 404. */
function httpStatusRange(filter: string): Prisma.IntNullableFilter {
  if (!filter.endsWith("xx")) return { equals: Number(filter) };
  const low = Number(filter[0]) * 100;
  return { gte: low, lt: low + 100 };
}

/**
 * The ids of the newest runs that match the text search and the latency floor, within the page's
 * id bounds: what Prisma cannot express (text inside JSON, a sum of columns) in one SQL query
 * on the project's (projectId, id) index range. The text is matched literally (% and _ escaped).
 */
async function matchingRunIds(db: Db, projectId: string, input: { search?: string; slowerThanMs?: number }, bounds: Prisma.StringFilter): Promise<string[]> {
  const conditions: Prisma.Sql[] = [Prisma.sql`"projectId" = ${projectId}`];
  if (typeof bounds.lt === "string") conditions.push(Prisma.sql`id < ${bounds.lt}`);
  if (typeof bounds.gte === "string") conditions.push(Prisma.sql`id >= ${bounds.gte}`);
  if (typeof bounds.gt === "string") conditions.push(Prisma.sql`id > ${bounds.gt}`);
  if (input.search !== undefined) {
    const pattern = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(Prisma.sql`(id = ${input.search} OR "arguments"::text ILIKE ${pattern} OR ("response"->>'body') ILIKE ${pattern} OR "error" ILIKE ${pattern})`);
  }
  if (input.slowerThanMs !== undefined) conditions.push(Prisma.sql`COALESCE("gatewayMs", 0) + COALESCE("upstreamMs", 0) >= ${input.slowerThanMs}`);
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "Run" WHERE ${Prisma.join(conditions, " AND ")} ORDER BY id DESC LIMIT ${MAX_SEARCH_MATCHES}`;
  return rows.map((row) => row.id);
}

function minString(a: string | undefined, b: string): string {
  return a === undefined || b < a ? b : a;
}

export const runSummaryFields = {
  id: true,
  toolId: true,
  toolName: true,
  status: true,
  principalKind: true,
  apiKeyId: true,
  memberId: true,
  memberEmail: true,
  userId: true,
  clientId: true,
  httpStatus: true,
  attempts: true,
  gatewayMs: true,
  upstreamMs: true,
  idempotencyKey: true,
  dedupeSource: true,
  originalRunId: true,
  error: true,
  createdAt: true,
  finishedAt: true,
} as const;

/** One run with its (redacted) request and response, scoped to the project. */
export function getRun(db: Db, projectId: string, runId: string) {
  return db.run.findFirst({ where: { id: runId, projectId } });
}
