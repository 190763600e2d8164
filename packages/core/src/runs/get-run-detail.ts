import type { Db } from "@tengine/db";
import { EXPLICIT_KEY_TTL_SECONDS } from "../idempotency/resolve-idempotency-key.ts";
import { getRun } from "./list-runs.ts";
import { listRunPrincipals } from "./list-run-principals.ts";

/**
 * One run for its page: the whole row (request and response were redacted and capped when
 * recorded) plus what the page links to — the tool if it still exists, the principal's name,
 * for a deduplicated run the original run whose result was replayed, for a keyed run how long its
 * key holds and the later calls that replayed it. Everything scoped to
 * the project: another project's run is `null` (a 404 for the caller).
 */
const MAX_REPLAYS_LISTED = 20;

export async function getRunDetail(db: Db, projectId: string, runId: string) {
  const run = await getRun(db, projectId, runId);
  if (!run) return null;
  const [tool, originalRun, principals, replays, replayCount, approval] = await Promise.all([
    run.toolId ? db.tool.findFirst({ where: { id: run.toolId, projectId }, select: { id: true, name: true, idempotencyWindowSec: true } }) : null,
    run.originalRunId ? db.run.findFirst({ where: { id: run.originalRunId, projectId }, select: { id: true, status: true, createdAt: true } }) : null,
    listRunPrincipals(db, projectId, [run]),
    run.dedupeSource ? db.run.findMany({ where: { projectId, originalRunId: run.id }, select: { id: true, createdAt: true }, orderBy: { id: "desc" }, take: MAX_REPLAYS_LISTED }) : [],
    run.dedupeSource ? db.run.count({ where: { projectId, originalRunId: run.id } }) : 0,
    db.approval.findFirst({ where: { runId: run.id, projectId }, select: { id: true, status: true, reason: true, decidedByEmail: true, decidedAt: true, createdAt: true, expiresAt: true } }),
  ]);
  return {
    run,
    tool: tool ? { id: tool.id, name: tool.name } : null,
    originalRun,
    /** how long the key held when the call was made: explicit keys 24 h, derived ones the tool's window */
    keyWindowSeconds: run.dedupeSource === "derived" ? (tool?.idempotencyWindowSec ?? null) : run.dedupeSource ? EXPLICIT_KEY_TTL_SECONDS : null,
    replays,
    replayCount,
    /** the approval the run waited for, if it needed one: who decided, when, and how long it waited */
    approval: approval ? { ...approval, waitMs: approvalWaitMs(approval) } : null,
    apiKey: run.apiKeyId ? (principals.keys[run.apiKeyId] ?? null) : null,
    user: run.userId ? (principals.users[run.userId] ?? null) : null,
  };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof getRunDetail>>>;

/** How long a call waited for a person: until the decision, or until it expired undecided; still waiting is `null`. */
function approvalWaitMs(approval: { status: string; createdAt: Date; decidedAt: Date | null; expiresAt: Date }): number | null {
  const ended = approval.decidedAt ?? (approval.status === "expired" ? approval.expiresAt : null);
  return ended ? Math.max(0, ended.getTime() - approval.createdAt.getTime()) : null;
}
