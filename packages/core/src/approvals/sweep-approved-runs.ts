import type { ToolCallDeps } from "../execution/call-deps.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import { executeApprovedRun } from "./execute-approved-run.ts";

/** Claims younger than this are not even looked at; executeApprovedRun applies the exact lease. */
const MIN_STALE_CLAIM_MS = 30_000;

/**
 * Executes approved calls nobody has taken yet, or whose worker died mid-send (a claim past
 * its lease). The worker runs this every few seconds: in the embedded default the dashboard
 * (another process) cannot reach the worker's in-process queue, and with Redis it catches
 * any `approval.execute` job that was lost. Returns how many runs it executed.
 */
export async function sweepApprovedRuns(deps: ToolCallDeps & { pubsub?: PubSub }, options: { limit: number }): Promise<number> {
  const now = (deps.now ?? Date.now)();
  const candidates = await deps.db.approval.findMany({
    where: {
      status: "approved",
      executedAt: null,
      OR: [{ executionStartedAt: null }, { executionStartedAt: { lt: new Date(now - MIN_STALE_CLAIM_MS) } }],
    },
    orderBy: { id: "asc" },
    take: options.limit,
    select: { id: true },
  });
  const outcomes = await Promise.allSettled(candidates.map((c) => executeApprovedRun(deps, c.id)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  const executed = outcomes.filter((o) => o.status === "fulfilled" && o.value.executed).length;
  // Every candidate was attempted; surface the first failure (database down…) to the job.
  if (failed && executed === 0) throw failed.reason;
  return executed;
}
