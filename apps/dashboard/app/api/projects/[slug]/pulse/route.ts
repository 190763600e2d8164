import { projectPulse } from "@tengine/core";
import { getDb } from "@/server/db.ts";
import { routeProject } from "@/server/route-access.ts";

export const dynamic = "force-dynamic";

/**
 * The project's pulse for live pages (approvals, runs, a run, the overview): a fingerprint that
 * changes when what they show changes. Members of the project's organization only.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const access = await routeProject((await params).slug);
  if (!access.ok) return access.response;
  return Response.json({ pulse: await projectPulse(getDb(), access.project.id) }, { headers: { "cache-control": "no-store" } });
}
