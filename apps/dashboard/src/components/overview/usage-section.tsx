import { getProjectUsage, hasProjectRuns, type UsageRange } from "@tengine/core";
import Link from "next/link";
import { EmptyState } from "@/components/ui/index.ts";
import { getDb } from "@/server/db.ts";
import { StatRow } from "./stat-row.tsx";
import { TopTools } from "./top-tools.tsx";
import { UsageCharts } from "./usage-charts.tsx";

export const RANGE_LABEL: Record<UsageRange, string> = { "24h": "last 24 hours", "7d": "last 7 days" };

/**
 * Stats, charts and top tools of one project over a range. Async: the page streams it in a
 * Suspense boundary, so the MCP URL and setup show at once while runs are aggregated.
 */
export async function UsageSection({ projectId, base, range }: { projectId: string; base: string; range: UsageRange }) {
  const db = getDb();
  const usage = await getProjectUsage(db, projectId, { range });
  if (usage.totals.calls === 0) {
    // Only an empty window needs to know whether the project was ever called.
    const everCalled = await hasProjectRuns(db, projectId);
    return (
      <EmptyState
        title={everCalled ? `No calls in the ${RANGE_LABEL[range]}` : "No calls yet"}
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Link
              href={`${base}/tools`}
              className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              Open tools
            </Link>
            {range === "24h" && everCalled ? (
              <Link
                href={`${base}?range=7d`}
                scroll={false}
                className="rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              >
                Show the last 7 days
              </Link>
            ) : null}
          </div>
        }
      >
        Call a tool from a client with the setup above, or use <strong className="font-medium text-slate-700">Try it</strong> on a tool&apos;s page. Calls per minute, error rate,
        latency and the busiest tools show up here as soon as there is traffic.
      </EmptyState>
    );
  }
  const minutes = (Date.parse(usage.until) - Date.parse(usage.since)) / 60_000;
  return (
    <div className="space-y-4">
      <StatRow totals={usage.totals} minutes={minutes} />
      <UsageCharts buckets={usage.buckets} stepMs={usage.stepMs} range={range} />
      <TopTools tools={usage.topTools} rangeLabel={RANGE_LABEL[range]} runsHref={`${base}/runs`} range={range} />
    </div>
  );
}
