import type { Run } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";
import { findOwnRun } from "../runs/own-run.ts";
import { APPROVAL_INPUT_KEY, type ApprovalRoundTripDeps, approvalPageUrl, declined } from "./approval-round-trip.ts";
import { declineApprovalInClient, DECLINED_IN_CLIENT } from "./decline-approval-in-client.ts";
import { isSettled, toolResultOfRun } from "./run-outcome.ts";

/**
 * A call's run as a task of the MCP tasks extension (`io.modelcontextprotocol/tasks`): the
 * task id IS the run id, so a task is as durable as its run, any replica answers for it, and
 * the run page shows what the task did. Only the principal that made the call sees its task.
 *
 * States: waiting for a person → `input_required` (a URL elicitation to the approval page,
 * for a client that can open URLs; otherwise `working` with the page in the status message);
 * approved and running → `working`; settled → `completed` with the result the call would have
 * returned (a denial or an upstream error is that result's tool error, as for a direct call);
 * declined by the caller (`tasks/cancel`, or "decline" on the elicitation) → `cancelled`.
 */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

export type RunTask = {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs?: number;
  inputRequests?: Record<string, unknown>;
  result?: Record<string, unknown>;
};

type TaskCaller = { project: { id: string; slug: string }; principal: Principal; canOpenUrls: boolean };

const POLL_WHILE_WAITING_MS = 2_000;
const POLL_WHILE_RUNNING_MS = 500;

/** The task of one of the caller's runs, or null when the caller has no such run. */
export async function getRunTask(deps: ApprovalRoundTripDeps, caller: TaskCaller, taskId: string): Promise<RunTask | null> {
  const run = await findOwnRun(deps.db, caller.project.id, taskId, caller.principal);
  return run ? taskOfRun(deps, caller, run) : null;
}

async function taskOfRun(deps: ApprovalRoundTripDeps, caller: TaskCaller, run: Run): Promise<RunTask> {
  const project = await deps.db.project.findUnique({ where: { id: caller.project.id }, select: { runRetentionDays: true } });
  const base = {
    taskId: run.id,
    createdAt: run.createdAt.toISOString(),
    lastUpdatedAt: (run.finishedAt ?? run.createdAt).toISOString(),
    // The task lives as long as its run: until the project's run retention deletes it.
    ttlMs: project ? project.runRetentionDays * 86_400_000 : null,
  };
  if (run.status === "denied" && run.error === DECLINED_IN_CLIENT) return { ...base, status: "cancelled", statusMessage: "cancelled by the caller before anyone approved it" };
  if (isSettled(run.status)) {
    const result = await toolResultOfRun(deps.db, run);
    return { ...base, status: "completed", ...(result.isError ? { statusMessage: run.error ?? "the call failed" } : {}), result: { ...result, resultType: "complete" } };
  }
  if (run.status !== "pending") return { ...base, status: "working", statusMessage: "the call is running", pollIntervalMs: POLL_WHILE_RUNNING_MS };
  const approval = await deps.db.approval.findFirst({ where: { runId: run.id, projectId: caller.project.id }, select: { expiresAt: true, decidedAt: true } });
  const url = approvalPageUrl(deps.dashboardUrl, caller.project.slug, run.id);
  const waiting = `waiting for approval by a person${url ? ` at ${url}` : " in the Tengine dashboard"}${approval ? ` until ${approval.expiresAt.toISOString()}` : ""}`;
  if (!caller.canOpenUrls || !url) return { ...base, status: "working", statusMessage: waiting, pollIntervalMs: POLL_WHILE_WAITING_MS };
  return {
    ...base,
    status: "input_required",
    statusMessage: waiting,
    pollIntervalMs: POLL_WHILE_WAITING_MS,
    inputRequests: { [APPROVAL_INPUT_KEY]: { method: "elicitation/create", params: { mode: "url", message: `Tool ${run.toolName} ${waiting}. Declining cancels the call.`, url } } },
  };
}

/**
 * `tasks/update` (answers to the task's input requests) and `tasks/cancel`: a decline, or a
 * cancel, of a call still waiting for its approval denies it at once (nothing is ever sent).
 * A call already approved and running cannot be stopped (cancellation is cooperative), and
 * answers to unknown keys are ignored. False when the caller has no such task.
 */
export async function answerRunTask(deps: ApprovalRoundTripDeps, caller: Omit<TaskCaller, "canOpenUrls">, taskId: string, answer: { cancel: true } | { inputResponses: unknown }): Promise<boolean> {
  const run = await findOwnRun(deps.db, caller.project.id, taskId, caller.principal);
  if (!run) return false;
  const decline = "cancel" in answer || declined(answer.inputResponses);
  if (decline && run.status === "pending") {
    await declineApprovalInClient(deps.db, { projectId: caller.project.id, runId: run.id, principal: caller.principal, ...(deps.pubsub ? { pubsub: deps.pubsub } : {}) });
  }
  return true;
}

/** The answer to a call that became a task (`CreateTaskResult`): the task without its payloads. */
export function createTaskResult(task: RunTask) {
  const { inputRequests: _inputs, result: _result, ...fields } = task;
  return { resultType: "task" as const, ...fields, _meta: { "tengine/runId": task.taskId } };
}
