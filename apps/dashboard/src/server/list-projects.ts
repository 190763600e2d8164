import "server-only";
import { dashboardConfig } from "./env.ts";
import { getDb } from "./db.ts";

export type ProjectSummary = {
  id: string;
  name: string;
  slug: string;
  orgName: string;
  mcpUrl: string;
  toolCount: number;
};

/** An unreachable database is an expected state of a placeholder page, not a crash. */
export type ListProjectsResult =
  | { ok: true; projects: ProjectSummary[] }
  | { ok: false; reason: "misconfigured" | "database_unavailable"; detail: string };

/**
 * Every project with its MCP URL and tool count, for the overview page. Explicit `select`:
 * nothing but display fields leaves the database.
 */
export async function listProjectSummaries(): Promise<ListProjectsResult> {
  let config;
  try {
    config = dashboardConfig();
  } catch (error) {
    return { ok: false, reason: "misconfigured", detail: error instanceof Error ? error.message : String(error) };
  }
  try {
    const rows = await getDb().project.findMany({
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, slug: true, org: { select: { name: true } }, _count: { select: { tools: true } } },
    });
    return {
      ok: true,
      projects: rows.map((p) => ({
        id: p.id,
        name: p.name,
        slug: p.slug,
        orgName: p.org.name,
        mcpUrl: `${config.gatewayUrl}/p/${p.slug}/mcp`,
        toolCount: p._count.tools,
      })),
    };
  } catch (error) {
    // Logged for the operator; the page gets a short, credential-free hint only.
    console.error("dashboard: listing projects failed", error);
    return { ok: false, reason: "database_unavailable", detail: describeDbError(error) };
  }
}

function describeDbError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
  // Prisma's P1xxx codes are connection-level; P2021 is a missing table (not migrated yet).
  if (code === "P1001" || code === "P1002" || code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT") return "The database server did not answer; is Postgres running?";
  if (code === "P1000") return "The database refused the credentials in DATABASE_URL.";
  if (code === "P1003") return "The database in DATABASE_URL does not exist.";
  if (code === "P2021" || code === "42P01") return "The database has no tengine tables yet (run `npx tengine migrate`).";
  return "The query failed; see the dashboard server log.";
}
