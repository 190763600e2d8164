import type { Db, Run } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";
import { getRun } from "./list-runs.ts";

/**
 * One of the caller's own runs in the project, or null. Another principal's run (another key,
 * member, user or OAuth client) is "not found", never "forbidden": a caller must not learn
 * which run ids exist. Used by every way a caller follows up on an earlier call
 * (`tengine_run_status`, an approval's request state, `tasks/*`).
 */
export async function findOwnRun(db: Db, projectId: string, runId: string, principal: Principal): Promise<Run | null> {
  if (!RUN_ID.test(runId)) return null;
  const run = await getRun(db, projectId, runId);
  return run && isOwnRun(run, principal) ? run : null;
}

/** A run id as the gateway issues them (`run_` + 26 characters). */
export const RUN_ID = /^run_[0-9a-z]{26}$/;

function isOwnRun(run: Pick<Run, "principalKind" | "apiKeyId" | "memberId" | "userId" | "clientId">, principal: Principal) {
  const same = (a: string | null | undefined, b: string | undefined) => (a ?? undefined) === b;
  return (
    run.principalKind === principal.kind &&
    same(run.apiKeyId, principal.keyId) &&
    same(run.memberId, principal.memberId) &&
    same(run.userId, principal.userId) &&
    same(run.clientId, principal.clientId)
  );
}
