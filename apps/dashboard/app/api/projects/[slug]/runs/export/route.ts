import { listRuns, runCsvRow, runsCsvHeader } from "@tengine/core";
import { parseRunsQuery, toListRunsInput } from "@/components/runs/filters.ts";
import { getDb } from "@/server/db.ts";
import { routeProject } from "@/server/route-access.ts";
import { streamExport } from "@/server/stream-export.ts";

export const dynamic = "force-dynamic";

/** The most runs one export holds: narrow the filters (a time range) for more. */
const MAX_EXPORTED = 10_000;
const PAGE = 200;

/**
 * The runs of the runs page's current filters as CSV or JSON (newest first, at most 10,000), on
 * the same keyset pages the page reads. Members of the project's organization only; the columns
 * are the run summaries the CLI's `--format csv` prints.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const access = await routeProject(slug);
  if (!access.ok) return access.response;
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "json") return Response.json({ error: 'format must be "csv" or "json"' }, { status: 400 });
  const query = parseRunsQuery(Object.fromEntries(url.searchParams));
  const input = toListRunsInput({ ...query, cursor: undefined, after: undefined }, Date.now(), PAGE);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return streamExport({
    filename: `${slug}-runs-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    head: format === "csv" ? `${runsCsvHeader()}\n` : "[",
    ...(format === "json" ? { tail: "\n]\n" } : {}),
    max: MAX_EXPORTED,
    page: async (cursor) => {
      const page = await listRuns(getDb(), access.project.id, { ...input, ...(cursor ? { cursor } : {}) });
      return { items: page.runs, nextCursor: page.nextCursor };
    },
    line: (run, i) => (format === "csv" ? `${runCsvRow(run)}\n` : `${i === 0 ? "" : ","}\n${JSON.stringify(run)}`),
  });
}
