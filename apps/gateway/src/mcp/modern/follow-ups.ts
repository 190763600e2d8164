import {
  answerRunTask,
  type ApprovalRoundTripDeps,
  approvalInputRequired,
  createTaskResult,
  getRunTask,
  resumeApprovalRoundTrip,
  type ToolResult,
} from "@tengine/core";
import type { CallContext } from "../call-context.ts";
import { CLIENT_CAPABILITIES_META, INVALID_PARAMS } from "./protocol.ts";

/**
 * How a 2026-07-28 client follows up on a call that waits for a person, from the capabilities
 * it sends in each request's `_meta`: as a task (the tasks extension: a durable handle it
 * polls) when it declared the extension, otherwise over multi round-trip requests
 * (`input_required` with a sealed `requestState` it retries with). Either way the call does not
 * hold the connection for the approval wait the 2025 revisions get.
 */
export type ModernFollowUp = { tasks: boolean; canOpenUrls: boolean };

export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

export function modernFollowUp(params: Record<string, unknown> | undefined): ModernFollowUp {
  const meta = params?._meta as Record<string, unknown> | undefined;
  const caps = (meta?.[CLIENT_CAPABILITIES_META] ?? {}) as { elicitation?: { url?: unknown }; extensions?: Record<string, unknown> };
  return { tasks: !!caps.extensions?.[TASKS_EXTENSION], canOpenUrls: !!caps.elicitation?.url };
}

/**
 * For a client that declared the tasks extension: a call still running after `afterMs`
 * becomes a task (its run is written as running, any replica answers tasks/get) and goes on
 * in this process. `option` goes to `callTool`; `race` resolves with the task's run id, or
 * undefined when the call finished first.
 */
export function slowCallAsTask(ctx: CallContext, afterMs: number, pending: () => Promise<unknown>) {
  if (!ctx.modern?.tasks) return undefined;
  let onTask!: (runId: string) => void;
  const becameTask = new Promise<string>((resolve) => (onTask = resolve));
  return {
    option: { becomeTask: { afterMs, onTask } },
    race: () => Promise.race([pending().then(() => undefined, () => undefined), becameTask]),
  };
}

/** The answer to a call that became a task while it ran. */
export async function taskAnswer(deps: ApprovalRoundTripDeps, ctx: CallContext & { modern: ModernFollowUp }, runId: string): Promise<Record<string, unknown>> {
  const task = await getRunTask(deps, { project: ctx.project, principal: ctx.principal, canOpenUrls: ctx.modern.canOpenUrls }, runId);
  if (!task) throw new Error(`task ${runId} was handed out but its run is not there`);
  return createTaskResult(task);
}

type FollowUpCall = { ctx: CallContext & { modern: ModernFollowUp }; tool: string; args: unknown };

/** The answer to a modern call that now waits for approval (run `runId`, open until `expiresAt`). */
export async function waitingAnswer(deps: ApprovalRoundTripDeps, call: FollowUpCall, waiting: { runId: string; expiresAt: Date }): Promise<Record<string, unknown>> {
  const { ctx } = call;
  const caller = { project: ctx.project, principal: ctx.principal, canOpenUrls: ctx.modern.canOpenUrls };
  if (ctx.modern.tasks) {
    const task = await getRunTask(deps, caller, waiting.runId);
    if (task) return createTaskResult(task);
  }
  return approvalInputRequired(deps, { ...caller, tool: call.tool, args: call.args, runId: waiting.runId, expiresAt: waiting.expiresAt });
}

/** A JSON-RPC error the SDK sends as `{ code, message }` (see mcp-server.ts). */
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The retry of a call with the `requestState` of its `input_required` answer. */
export async function retryAnswer(deps: ApprovalRoundTripDeps, call: FollowUpCall, requestState: string, inputResponses: unknown): Promise<ToolResult | Record<string, unknown>> {
  const { ctx } = call;
  const outcome = await resumeApprovalRoundTrip(deps, { project: ctx.project, principal: ctx.principal, tool: call.tool, args: call.args, canOpenUrls: ctx.modern.canOpenUrls, requestState, inputResponses });
  if (outcome.kind === "refused") throw rpcError(INVALID_PARAMS, `Invalid requestState: ${outcome.message}`);
  return outcome.result;
}

/** tasks/get, tasks/update and tasks/cancel: the caller's own runs, as tasks. */
export async function taskRequest(deps: ApprovalRoundTripDeps, ctx: CallContext, method: string, params: Record<string, unknown> | undefined): Promise<{ result: Record<string, unknown> } | { error: { code: number; message: string } }> {
  const taskId = params?.taskId;
  if (typeof taskId !== "string" || taskId.length === 0) return { error: { code: INVALID_PARAMS, message: "Invalid params: taskId must be a task id (the run id a tools/call answered with)" } };
  const notFound = { error: { code: INVALID_PARAMS, message: `Task not found: ${taskId}` } };
  const caller = { project: ctx.project, principal: ctx.principal };
  if (method === "tasks/get") {
    const task = await getRunTask(deps, { ...caller, canOpenUrls: modernFollowUp(params).canOpenUrls }, taskId);
    return task ? { result: { resultType: "complete", ...task } } : notFound;
  }
  if (method === "tasks/update" && (typeof params?.inputResponses !== "object" || params.inputResponses === null)) {
    return { error: { code: INVALID_PARAMS, message: "Invalid params: tasks/update needs inputResponses (an object keyed like the task's inputRequests)" } };
  }
  const found = await answerRunTask(deps, caller, taskId, method === "tasks/cancel" ? { cancel: true } : { inputResponses: params!.inputResponses });
  return found ? { result: { resultType: "complete" } } : notFound;
}
