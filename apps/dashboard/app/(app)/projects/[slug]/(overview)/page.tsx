import { projectPulse, roleAtLeast, usageRangeSchema } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ConnectCard } from "@/components/overview/connect-card.tsx";
import { RangeSwitch } from "@/components/overview/range-switch.tsx";
import { setupSnippets } from "@/components/overview/setup-snippets.ts";
import { RANGE_LABEL, UsageSection } from "@/components/overview/usage-section.tsx";
import { UsageSkeleton } from "@/components/overview/usage-skeleton.tsx";
import { LiveRefresh } from "@/components/shell/live-refresh.tsx";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Overview" };

export default async function ProjectOverview({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ range?: string | string[] }> }) {
  const [{ slug }, query] = await Promise.all([params, searchParams]);
  const { project, role } = await loadProject(slug);
  // Read before the page's data: what changes after it shows on the first live check.
  const pulse = await projectPulse(getDb(), project.id);
  const parsed = usageRangeSchema.safeParse(query.range);
  const range = parsed.success ? parsed.data : "24h";
  const base = `/projects/${project.slug}`;
  const url = `${dashboardConfig().gatewayUrl}/p/${project.slug}/mcp`;

  return (
    <div className="space-y-8">
      <PageReady />
      <ConnectCard url={url} snippets={setupSnippets({ url, slug: project.slug, projectName: project.name })} keysHref={`${base}/keys`} canCreateKeys={roleAtLeast(role, "member")} />

      <section aria-labelledby="usage-title" className="space-y-4">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 id="usage-title" className="text-lg font-semibold tracking-tight text-slate-900">
              Usage
            </h2>
            <p className="text-sm text-slate-500">
              Every tool call over the {RANGE_LABEL[range]}.{" "}
              <Link href={`${base}/runs?range=${range}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                See them in Runs →
              </Link>
            </p>
          </div>
          <div className="flex items-center gap-3">
            <LiveRefresh slug={project.slug} pulse={pulse} />
            <RangeSwitch base={base} current={range} />
          </div>
        </div>
        {/* keyed by range: switching shows the skeleton instead of the old range's numbers */}
        <Suspense key={range} fallback={<UsageSkeleton />}>
          <UsageSection projectId={project.id} base={base} range={range} />
        </Suspense>
      </section>
    </div>
  );
}
