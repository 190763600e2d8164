import type { HotQueries, RunSettle, RunStatus } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";

export type RunRecord = {
  id: string;
  projectId: string;
  toolId?: string;
  toolName: string;
  status: RunStatus;
  principal: Principal;
  httpStatus?: number;
  attempts?: number;
  gatewayMs?: number;
  upstreamMs?: number;
  idempotencyKey?: string;
  dedupeSource?: string;
  originalRunId?: string;
  arguments?: unknown;
  request?: unknown;
  response?: unknown;
  error?: string;
  createdAt: Date;
};

/** The principal's identity as the run columns that keep it (copied: runs outlive keys and members). */
export function runPrincipalColumns(p: Principal) {
  return {
    principalKind: p.kind,
    apiKeyId: p.keyId ?? null,
    memberId: p.memberId ?? null,
    memberEmail: p.member?.email ?? null,
    userId: p.userId ?? null,
    clientId: p.clientId ?? null,
    connectionId: p.connectionId ?? null,
  };
}

/**
 * Writes one run (DESIGN §10), durably before it resolves (written in a group with the runs of
 * concurrent calls: `HotQueries.recordRun`). `settle`: how the idempotency key this run held
 * ended, written in the same statement. Callers pass only redacted request/response data; the
 * principal's identity is copied so the run stays readable after keys or members are gone.
 */
export async function recordRun(hot: HotQueries, run: RunRecord, settle?: RunSettle, options: { replace?: boolean } = {}) {
  const row = runRow(run);
  // A run whose row was written while it ran (it became a task) is replaced, not added.
  await (options.replace ? hot.replaceRun(row, settle) : hot.recordRun(row, settle));
}

/** Writes the row of a call still running at once (ungrouped), so a task that names it is found on any replica. */
export async function recordRunStarted(hot: HotQueries, run: RunRecord) {
  await hot.insertRun(runRow({ ...run, status: "running" }));
}

function runRow(run: RunRecord) {
  return {
    id: run.id,
    projectId: run.projectId,
    toolId: run.toolId ?? null,
    toolName: run.toolName,
    status: run.status,
    ...runPrincipalColumns(run.principal),
    httpStatus: run.httpStatus ?? null,
    attempts: run.attempts ?? 0,
    gatewayMs: run.gatewayMs ?? null,
    upstreamMs: run.upstreamMs ?? null,
    idempotencyKey: run.idempotencyKey ?? null,
    dedupeSource: run.dedupeSource ?? null,
    originalRunId: run.originalRunId ?? null,
    arguments: run.arguments,
    request: run.request,
    response: run.response,
    error: run.error ?? null,
    createdAt: run.createdAt,
  };
}
