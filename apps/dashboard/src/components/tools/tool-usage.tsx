import { getProjectUsage } from "@tengine/core";
import Link from "next/link";
import { StatRow } from "@/components/overview/stat-row.tsx";
import { UsageCharts } from "@/components/overview/usage-charts.tsx";
import { Card } from "@/components/ui/index.ts";
import { getDb } from "@/server/db.ts";

/** One tool's last 7 days: the overview's numbers and charts, for this tool's calls only. */
export async function ToolUsage({ projectId, slug, toolName }: { projectId: string; slug: string; toolName: string }) {
  const usage = await getProjectUsage(getDb(), projectId, { range: "7d", toolName });
  const minutes = (Date.parse(usage.until) - Date.parse(usage.since)) / 60_000;
  return (
    <Card
      title="Usage, last 7 days"
      className="mt-6"
      actions={<Link href={`/projects/${slug}/runs?tool=${encodeURIComponent(toolName)}`} className="text-sm font-medium text-indigo-700 hover:underline">Its runs →</Link>}
    >
      {usage.totals.calls === 0 ? (
        <p className="text-sm text-slate-500">No calls of this tool in the last 7 days.</p>
      ) : (
        <div className="space-y-4" aria-label="Tool usage">
          <StatRow totals={usage.totals} minutes={minutes} />
          <UsageCharts buckets={usage.buckets} stepMs={usage.stepMs} range="7d" />
        </div>
      )}
    </Card>
  );
}
