import type { Db } from "@tengine/db";
import { getProjectUsage } from "./get-project-usage.ts";

export type ToolStats = {
  /** calls over the last 7 days */
  calls: number;
  /** errors / calls over the last 7 days; null without calls */
  errorRate: number | null;
  /** upstream p95 in ms over the last 7 days (gateway p95 for tools that never reach an upstream) */
  p95Ms: number | null;
  /** the newest run of the tool, any time */
  lastCallAt: Date | null;
};

/**
 * The numbers next to each tool on the tools list: a week of calls, error rate and p95 from
 * the usage roll-ups (what the overview reads), and each tool's newest run — one index probe per
 * tool on (projectId, toolName, id), in one query.
 */
export async function getToolStats(db: Db, projectId: string, now?: Date): Promise<Map<string, ToolStats>> {
  const [usage, last] = await Promise.all([
    getProjectUsage(db, projectId, { range: "7d", topTools: 100_000, ...(now ? { now } : {}) }),
    db.$queryRaw<{ name: string; at: Date | null }[]>`SELECT t.name, (SELECT r."createdAt" FROM "Run" r WHERE r."projectId" = t."projectId" AND r."toolName" = t.name ORDER BY r.id DESC LIMIT 1) AS at FROM "Tool" t WHERE t."projectId" = ${projectId}`,
  ]);
  const byTool = new Map(usage.topTools.map((tool) => [tool.toolName, tool]));
  return new Map(
    last.map(({ name, at }) => {
      const week = byTool.get(name);
      return [name, { calls: week?.calls ?? 0, errorRate: week && week.calls > 0 ? week.errors / week.calls : null, p95Ms: week ? (week.upstreamP95 ?? week.gatewayP95) : null, lastCallAt: at }];
    }),
  );
}
