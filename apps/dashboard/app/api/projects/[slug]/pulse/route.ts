import { getProjectForUser, isAppError, projectPulse } from "@tengine/core";
import { getDb } from "@/server/db.ts";
import { currentUser } from "@/server/session.ts";

export const dynamic = "force-dynamic";

/**
 * The project's pulse for live pages (approvals, runs, a run, the overview): a fingerprint that
 * changes when what they show changes. Members of the project's organization only; anyone else
 * gets the 404 a missing project gets.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const { slug } = await params;
  try {
    const { project } = await getProjectForUser(getDb(), user.id, slug, "viewer");
    return Response.json({ pulse: await projectPulse(getDb(), project.id) }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return Response.json({ error: "not found" }, { status: 404 });
    throw error;
  }
}
