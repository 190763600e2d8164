import type { Db } from "@tengine/db";
import { getRun } from "./list-runs.ts";
import { listRunPrincipals } from "./list-run-principals.ts";

/**
 * One run for its page: the whole row (request and response were redacted and capped when
 * recorded) plus what the page links to — the tool if it still exists, the principal's name,
 * and for a deduplicated run the original run whose result was replayed. Everything scoped to
 * the project: another project's run is `null` (a 404 for the caller).
 */
export async function getRunDetail(db: Db, projectId: string, runId: string) {
  const run = await getRun(db, projectId, runId);
  if (!run) return null;
  const [tool, originalRun, principals] = await Promise.all([
    run.toolId ? db.tool.findFirst({ where: { id: run.toolId, projectId }, select: { id: true, name: true } }) : null,
    run.originalRunId ? db.run.findFirst({ where: { id: run.originalRunId, projectId }, select: { id: true, status: true, createdAt: true } }) : null,
    listRunPrincipals(db, projectId, [run]),
  ]);
  return {
    run,
    tool,
    originalRun,
    apiKey: run.apiKeyId ? (principals.keys[run.apiKeyId] ?? null) : null,
    user: run.userId ? (principals.users[run.userId] ?? null) : null,
  };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof getRunDetail>>>;
