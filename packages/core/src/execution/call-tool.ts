import { isDeepStrictEqual } from "node:util";
import type { RunSettle, RunStatus } from "@tengine/db";
import { approvalRequired } from "../approvals/approval-policy.ts";
import { APPROVAL_TTL_MS, awaitApprovedRun, DEFAULT_APPROVAL_WAIT_MS, requestApproval } from "../approvals/request-approval.ts";
import { settleIdempotencyKey } from "../idempotency/settle-idempotency-key.ts";
import { isToolActivated } from "../federation/toolsets.ts";
import { newId } from "../ids/new-id.ts";
import { type Principal, principalKey } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import { recordRun, recordRunStarted, type RunRecord } from "../runs/record-run.ts";
import type { CredentialState } from "./authorize-principal.ts";
import { authorizeCall } from "./authorize-call.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import { type CallFailure, type CallFailureCode, failed, ToolCallInternalError } from "./call-failure.ts";
import { checkCallLimits } from "./check-call-limits.ts";
import { claimCallKey, resolveCallKey } from "./claim-call-key.ts";
import { previewCall, sendCall } from "./send-call.ts";
import { type ToolResult, toolError } from "./tool-result.ts";
import { argumentDepthProblem, validateArguments } from "./validate-arguments.ts";
import { type CallableTool, toolForCall } from "./callable-tool.ts";
import type { PlatformSurface } from "../platform/platform-families.ts";
import { findPlatformTool } from "../platform/platform-tools.ts";

export type { RateLimitEvent, ToolCallDeps } from "./call-deps.ts";

export type ToolCallRequest = {
  principal: Principal;
  project: ProjectConfig;
  /**
   * The stored state of the principal's credential, as its authenticator read it on this
   * request (no second query): the call's authorization runs the whole rule on it.
   */
  credential: CredentialState;
  toolName: string;
  args: unknown;
  /** `Idempotency-Key` header of the MCP request */
  headerIdempotencyKey?: string;
  /** `params._meta["tengine/idempotencyKey"]` */
  metaIdempotencyKey?: unknown;
  /** the MCP servers the credential asks for (`principalToolsets`): tools of servers activated on request */
  toolsets?: readonly string[];
  /**
   * The endpoint called: a project's (`/p/{slug}/mcp`, its tools and the project platform
   * families; the default) or an organization's (`/o/{org}/mcp`, the organization families only).
   */
  surface?: PlatformSurface;
  /**
   * How long a call that needs approval waits for the decision before answering "pending"
   * (default: the deployment's wait). 0 for a client that follows up itself (a modern
   * client's `input_required` retry or task).
   */
  approvalWaitMs?: number;
  /**
   * A call still running after `afterMs` becomes a task (a modern client that declared the
   * tasks extension): its run is written as `running` at that moment, then `onTask` is told,
   * and the call goes on; its settled run replaces the running one.
   */
  becomeTask?: { afterMs: number; onTask: (runId: string) => void };
  /**
   * Told when the call starts waiting for a person (after its pending run and Approval are
   * stored), e.g. to ask the user in the MCP client as well. Must not throw.
   */
  onApprovalPending?: (pending: { runId: string; approvalId: string; toolName: string; toolTitle?: string; request: unknown; args: unknown; expiresAt: Date }) => void;
};

export type ToolCallOutcome =
  | {
      kind: "result";
      runId: string;
      result: ToolResult;
      timing?: { gatewayMs: number; upstreamMs?: number };
      /** why the call failed, when it failed in an expected way (metrics and callers branch on it) */
      failure?: CallFailureCode;
      /** answered from another run with the same idempotency key */
      deduplicated?: true;
      /** the call waits for a person: the run to follow (its own, or the one it joined) */
      waiting?: { runId: string; expiresAt: Date };
    }
  | { kind: "unknown_tool"; runId: string }
  | { kind: "insufficient_scope"; runId: string; missing: string[] };

/**
 * One tools/call, as a pipeline of named steps: resolve tool → scopes (`authorizeCall`) →
 * validate → limits → idempotency → approval → render → sign → send → map (`sendCall`, by
 * the tool's kind) → record. Each step returns a value or a typed `CallFailure`; the first
 * failure is recorded as the run and answered as a tool error. An approved call runs the same
 * steps from scopes on (`executeApprovedRun`).
 */
export async function callTool(deps: ToolCallDeps, req: ToolCallRequest): Promise<ToolCallOutcome> {
  const started = performance.now();
  const createdAt = new Date();
  const runId = newId("run");
  const { principal, project } = req;
  // Too deeply nested arguments are not recorded (nor walked): the run says why instead.
  const tooDeep = argumentDepthProblem(req.args);
  const base = { id: runId, projectId: project.id, toolName: req.toolName, principal, createdAt, arguments: tooDeep ? { omitted: tooDeep } : req.args };
  // the running row of a call that became a task: its settled run replaces it
  let runningRow: Promise<boolean> | undefined;
  const replace = async () => ({ replace: runningRow ? await runningRow : false });
  // record: every outcome is a run
  const finish = async (status: RunStatus, fields: Partial<RunRecord>, result: ToolResult, failure?: CallFailureCode, settle?: RunSettle): Promise<ToolCallOutcome & { kind: "result" }> => {
    const gatewayMs = Math.round(performance.now() - started - (fields.upstreamMs ?? 0));
    await recordRun(deps.hot, { ...base, ...fields, status, gatewayMs }, settle, await replace());
    return { kind: "result", runId, result: withMeta(result, { "tengine/runId": runId }), timing: { gatewayMs, upstreamMs: fields.upstreamMs }, ...(failure ? { failure } : {}) };
  };
  const fail = (f: CallFailure, fields: Partial<RunRecord>) => finish(f.status, { ...fields, error: f.message }, toolError(f.message), f.code);

  // resolve tool: the project's own tools, or a platform tool served on this endpoint
  const runtime = deps.runtime.current(project.id, project.configVersion) ?? (await deps.runtime.get(project.id, project.configVersion));
  const surface = req.surface ?? "project";
  const own = surface === "org" ? undefined : runtime.tools.get(req.toolName);
  // A server activated on request is not there for a credential that did not ask for it.
  const activated = own && isToolActivated(own, req.toolsets ?? []) ? own : undefined;
  const found: CallableTool | undefined = surface === "org" ? findPlatformTool(req.toolName, "org") : (activated ?? (own ? undefined : findPlatformTool(req.toolName, "project")));
  if (!found) {
    await recordRun(deps.hot, { ...base, status: "failed", error: `unknown tool ${req.toolName}`, gatewayMs: elapsed(started) });
    return { kind: "unknown_tool", runId };
  }
  // the tool as this call sees it (a platform tool: the action's scope, read-only flag)
  const tool = toolForCall(found, req.args);
  const run = { ...base, toolId: tool.id, ...(tool.recordedArguments ? { arguments: tool.recordedArguments(req.args) } : {}) };

  // scopes: the same rule an approved call passes before it is sent
  const access = authorizeCall({ credential: req.credential, principal, project, tool });
  if (!access.ok && access.failure.code === "insufficient_scope") {
    await recordRun(deps.hot, { ...run, status: "denied", error: access.failure.message, gatewayMs: elapsed(started) });
    return { kind: "insufficient_scope", runId, missing: tool.requiredScopes };
  }
  if (!access.ok) return fail(access.failure, run);

  // validate
  if (tooDeep) return fail(failed("invalid_arguments", `Invalid arguments for tool ${tool.name}: ${tooDeep}`).failure, run);
  const valid = validateArguments(tool, req.args ?? {});
  if (!valid.ok) return fail(valid.failure, run);
  const args = valid.value;

  // limits
  const callerKey = principalKey(principal);
  if (deps.limiter) {
    const limited = await checkCallLimits(deps, { project, limits: runtime.rateLimits, principalKey: callerKey, toolName: tool.name });
    if (!limited.ok) {
      const outcome = await fail(limited.failure, run);
      const { retryAfterMs } = limited.failure;
      return retryAfterMs === undefined ? outcome : { ...outcome, result: withMeta(outcome.result, { "tengine/retryAfterMs": retryAfterMs }) };
    }
  }

  // idempotency
  const resolved = resolveCallKey({ headerKey: req.headerIdempotencyKey, metaKey: req.metaIdempotencyKey, principalKey: callerKey, toolId: tool.id, args, readOnly: tool.readOnly, windowSeconds: tool.idempotencyWindowSec });
  if (!resolved.ok) return fail(resolved.failure, run);
  const key = resolved.value;
  const idem = key ? { idempotencyKey: key.source === "derived" ? undefined : key.key, dedupeSource: key.source } : {};
  const keyed = { ...run, ...idem };
  // A dashboard "Try it" is a person acting themselves; only calls of principals wait for one.
  const needsApproval = principal.kind !== "dashboard" && approvalRequired(tool, runtime.approvalPolicy);
  const waitMs = req.approvalWaitMs ?? deps.approvalWaitMs ?? DEFAULT_APPROVAL_WAIT_MS;
  let claim: { recordId: string; upstreamKey: string } | undefined;
  if (key) {
    const claimed = await claimCallKey(deps, { projectId: project.id, principalKey: callerKey, tool, key, runId, needsApproval });
    if (!claimed.ok) return fail(claimed.failure, claimed.failure.originalRunId ? { ...keyed, originalRunId: claimed.failure.originalRunId } : keyed);
    const value = claimed.value;
    if (value.kind === "join") {
      // The same call is already waiting for (or running after) its approval: wait on it.
      const joined = await awaitApprovedRun(deps, { projectId: project.id, runId: value.originalRunId, toolName: tool.name, waitMs });
      await recordRun(deps.hot, { ...keyed, status: "deduplicated", originalRunId: value.originalRunId, gatewayMs: elapsed(started) });
      return { kind: "result", runId, deduplicated: true, ...(joined.waiting ? { waiting: joined.waiting } : {}), result: withMeta(joined.result, { "tengine/runId": value.originalRunId, "tengine/deduplicated": true, "tengine/originalRunId": value.originalRunId }) };
    }
    if (value.kind === "replay") {
      await recordRun(deps.hot, { ...keyed, status: "deduplicated", originalRunId: value.originalRunId, gatewayMs: elapsed(started) });
      return { kind: "result", runId, deduplicated: true, result: withMeta(value.result, { "tengine/runId": runId, "tengine/deduplicated": true, "tengine/originalRunId": value.originalRunId }) };
    }
    if (value.kind === "claimed") claim = value;
  }
  const call = { principal, project, args, runId, upstreamKey: claim?.upstreamKey ?? runId };

  // approval: a pending run that waits a bounded time for a person; the worker sends it once approved
  if (needsApproval) {
    // A call carrying secret values (a platform call's headers or credentials) cannot wait: its
    // pending approval would keep them in clear until a person decides. Refused, nothing stored.
    if (tool.recordedArguments && !isDeepStrictEqual(tool.recordedArguments(args), args)) {
      if (claim) await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, { kind: "released" });
      const message = `${tool.name}: this call carries secret values (headers or credentials) and needs approval, which would store them unencrypted until someone decides; make it without the secret values, or in the dashboard or the CLI`;
      return fail(failed("invalid_arguments", message).failure, keyed);
    }
    const preview = previewCall(tool, runtime, call);
    if (!preview.ok) {
      if (claim) await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, { kind: "released" });
      return fail(preview.failure, keyed);
    }
    const expiresAt = new Date(createdAt.getTime() + APPROVAL_TTL_MS);
    const { approvalId } = await requestApproval(deps.db, {
      runId,
      projectId: project.id,
      toolId: tool.id,
      toolName: tool.name,
      principal,
      args,
      recordedArgs: run.arguments,
      request: preview.value,
      idempotency: claim && key ? { recordId: claim.recordId, key: key.key, source: key.source, upstreamKey: call.upstreamKey } : null,
      ...idem,
      createdAt,
      expiresAt,
    });
    const title = tool.listed.title;
    req.onApprovalPending?.({ runId, approvalId, toolName: tool.name, ...(title ? { toolTitle: title } : {}), request: preview.value, args, expiresAt });
    const answered = await awaitApprovedRun(deps, { projectId: project.id, runId, toolName: tool.name, waitMs, ...(deps.approvalPollMs ? { pollMs: deps.approvalPollMs } : {}) });
    return { kind: "result", runId, ...(answered.waiting ? { waiting: answered.waiting } : {}), result: withMeta(answered.result, { "tengine/runId": runId }) };
  }

  // render → sign → send → map, by the tool's kind
  let execution;
  const becomeTask = req.becomeTask;
  const slow = becomeTask
    ? setTimeout(() => {
        runningRow = recordRunStarted(deps.hot, { ...keyed, status: "running" }).then(
          () => (becomeTask.onTask(runId), true),
          () => false, // not written (database down): the caller keeps waiting for the result instead
        );
      }, becomeTask.afterMs)
    : undefined;
  try {
    execution = await sendCall(deps, tool, runtime, call);
  } catch (error) {
    // A broken invariant (database down mid-call, a bug): the request may or may not have
    // gone out, so the key stays usable for a retry with the same upstream key, and the
    // caller gets an error that names the run instead of a protocol failure.
    if (claim) await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, { kind: "retryable" }).catch(() => {});
    const internal = new ToolCallInternalError(tool.name, runId, error);
    await recordRun(deps.hot, { ...keyed, status: "failed", error: internal.message, gatewayMs: elapsed(started) }, undefined, await replace()).catch(() => {});
    throw internal;
  } finally {
    clearTimeout(slow);
  }
  // settle + record: the key's outcome and the run are written in one statement (one round
  // trip, one commit), before the answer goes out
  let settle: RunSettle | undefined;
  if (claim) {
    if (execution.settle === "released") await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, { kind: "released" });
    else settle = { id: claim.recordId, runId, state: execution.settle, result: execution.settle === "completed" ? withMeta(execution.replay ?? execution.result, { "tengine/runId": runId }) : null };
  }
  return finish(execution.status, { ...keyed, ...execution.run }, execution.result, execution.failure, settle);
}

function withMeta(result: ToolResult, meta: Record<string, unknown>): ToolResult {
  return { ...result, _meta: { ...result._meta, ...meta } };
}

function elapsed(started: number) {
  return Math.round(performance.now() - started);
}
