import { getProjectForUser, isAppError, listRuns, runCsvRow, runsCsvHeader } from "@tengine/core";
import { parseRunsQuery, toListRunsInput } from "@/components/runs/filters.ts";
import { getDb } from "@/server/db.ts";
import { currentUser } from "@/server/session.ts";

export const dynamic = "force-dynamic";

/** The most runs one export holds: narrow the filters (a time range) for more. */
const MAX_EXPORTED = 10_000;
const PAGE = 200;

/**
 * The runs of the runs page's current filters as CSV or JSON (newest first, at most 10,000),
 * streamed page by page on the same keyset pages the page reads. Members of the project's
 * organization only; the columns are the run summaries the CLI's `--format csv` prints.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const { slug } = await params;
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "json") return Response.json({ error: 'format must be "csv" or "json"' }, { status: 400 });
  let projectId: string;
  try {
    projectId = (await getProjectForUser(getDb(), user.id, slug, "viewer")).project.id;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return Response.json({ error: "not found" }, { status: 404 });
    throw error;
  }
  const query = parseRunsQuery(Object.fromEntries(url.searchParams));
  const input = toListRunsInput({ ...query, cursor: undefined, after: undefined }, Date.now(), PAGE);
  const db = getDb();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let cursor: string | undefined;
      let sent = 0;
      controller.enqueue(encoder.encode(format === "csv" ? `${runsCsvHeader()}\n` : "["));
      try {
        do {
          const page = await listRuns(db, projectId, { ...input, ...(cursor ? { cursor } : {}) });
          const runs = page.runs.slice(0, MAX_EXPORTED - sent);
          const chunk = format === "csv" ? runs.map((run) => `${runCsvRow(run)}\n`).join("") : runs.map((run, i) => `${sent + i === 0 ? "" : ","}\n${JSON.stringify(run)}`).join("");
          controller.enqueue(encoder.encode(chunk));
          sent += runs.length;
          cursor = page.nextCursor ?? undefined;
        } while (cursor && sent < MAX_EXPORTED);
        if (format === "json") controller.enqueue(encoder.encode("\n]\n"));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${slug}-runs-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}
