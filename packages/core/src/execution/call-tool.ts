import type { Db, HotQueries, RunStatus } from "@tengine/db";
import { approvalRequired } from "../approvals/approval-policy.ts";
import { APPROVAL_TTL_MS, awaitApprovedRun, DEFAULT_APPROVAL_WAIT_MS, requestApproval } from "../approvals/request-approval.ts";
import { claimIdempotencyKey, type StoredToolResult } from "../idempotency/claim-idempotency-key.ts";
import { resolveIdempotencyKey } from "../idempotency/resolve-idempotency-key.ts";
import { settleIdempotencyKey } from "../idempotency/settle-idempotency-key.ts";
import { newId } from "../ids/new-id.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import type { RateLimiter } from "../infra/rate-limiter.ts";
import { checkRateLimits, type RateLimitCheck, rateLimitMessage } from "../limits/check-rate-limits.ts";
import type { OutboundClient } from "../outbound/index.ts";
import { type Principal, principalKey } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import { recordRun, type RunRecord } from "../runs/record-run.ts";
import type { ProjectRuntimeCache } from "../runtime/project-runtime-cache.ts";
import { describeValidationErrors } from "../validation/json-schema.ts";
import { authorizePrincipal, type CredentialState, PRINCIPAL_DENIAL_REASONS } from "./authorize-principal.ts";
import { type Execution, previewToolRequest, sendToolRequest } from "./send-tool-request.ts";
import { type ToolResult, toolError } from "./tool-result.ts";

export type ToolCallDeps = {
  db: Db;
  /** prepared statements for the per-call queries */
  hot: HotQueries;
  runtime: ProjectRuntimeCache;
  outbound: OutboundClient;
  /** how long a call waits for another call holding the same idempotency key */
  idempotencyWaitMs?: number;
  now?: () => number;
  /** Counts calls against `Project.rateLimits` (DESIGN §7 step 4); without it nothing is limited. */
  limiter?: RateLimiter;
  /** Told about every refused or degraded rate-limit check (logs, metrics). Must not throw. */
  onRateLimit?: (event: RateLimitEvent) => void;
  /** Wakes calls waiting for an approval decision (`run:<runId>`); they also poll the row. */
  pubsub?: PubSub;
  /** how long a call needing approval waits for the decision before answering "pending" (default 25 s) */
  approvalWaitMs?: number;
  /** how often a waiting call re-reads its run (default 1 s) */
  approvalPollMs?: number;
};

/** A rate-limit check that did not simply pass. */
export type RateLimitEvent = { projectId: string; projectSlug: string; toolName: string; check: Exclude<RateLimitCheck, { ok: true }> };

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
  /**
   * Told when the call starts waiting for a person (after its pending run and Approval are
   * stored), e.g. to ask the user in the MCP client as well. Must not throw.
   */
  onApprovalPending?: (pending: { runId: string; approvalId: string; toolName: string; toolTitle?: string; request: unknown; args: unknown; expiresAt: Date }) => void;
};

export type ToolCallOutcome =
  | { kind: "result"; runId: string; result: ToolResult; timing?: { gatewayMs: number; upstreamMs?: number } }
  | { kind: "unknown_tool"; runId: string }
  | { kind: "insufficient_scope"; runId: string; missing: string[] };

/**
 * One tools/call, end to end (DESIGN §7): tool and scope checks, argument validation,
 * rate limits, idempotency, approval (a pending run that waits a bounded time for a person;
 * the worker sends it once approved), rendering, SSRF guard, identity headers, signing,
 * sending with retries, response mapping — and a run recorded for every outcome.
 */
export async function callTool(deps: ToolCallDeps, req: ToolCallRequest): Promise<ToolCallOutcome> {
  const started = performance.now();
  const createdAt = new Date();
  const runId = newId("run");
  const { principal, project } = req;
  const base = { id: runId, projectId: project.id, toolName: req.toolName, principal, createdAt, arguments: req.args };
  const finish = async (status: RunStatus, fields: Partial<RunRecord>, result: ToolResult): Promise<ToolCallOutcome> => {
    const gatewayMs = Math.round(performance.now() - started - (fields.upstreamMs ?? 0));
    await recordRun(deps.hot, { ...base, ...fields, status, gatewayMs });
    return { kind: "result", runId, result: withMeta(result, { "tengine/runId": runId }), timing: { gatewayMs, upstreamMs: fields.upstreamMs } };
  };

  const runtime = await deps.runtime.get(project.id, project.configVersion);
  const tool = runtime.tools.get(req.toolName);
  if (!tool) {
    await recordRun(deps.hot, { ...base, status: "failed", error: `unknown tool ${req.toolName}`, gatewayMs: elapsed(started) });
    return { kind: "unknown_tool", runId };
  }
  const run = { ...base, toolId: tool.id };
  // The same rule an approved call passes before it is sent (authorizePrincipal).
  const access = authorizePrincipal({ credential: req.credential, principal, project, tool });
  if (!access.ok && access.code === "insufficient_scope") {
    await recordRun(deps.hot, { ...run, status: "denied", error: `Tool requires scopes: ${tool.requiredScopes.join(", ")}`, gatewayMs: elapsed(started) });
    return { kind: "insufficient_scope", runId, missing: tool.requiredScopes };
  }
  if (!access.ok) {
    const message = access.code === "member_required" ? "This project requires a member identity: call with a member session token (tng_mst_…)" : `Not sent: ${PRINCIPAL_DENIAL_REASONS[access.code]}`;
    return finish("denied", { ...run, error: message }, toolError(message));
  }

  const args = req.args ?? {};
  if (!tool.validate(args)) {
    const problems = describeValidationErrors(tool.validate.errors);
    const message = `Invalid arguments for tool ${tool.name}: ${problems.join("; ")}`;
    return finish("failed", { ...run, error: message }, toolError(message));
  }

  const callerKey = principalKey(principal);
  if (deps.limiter) {
    const check = await checkRateLimits(deps.limiter, { projectId: project.id, limits: runtime.rateLimits, principalKey: callerKey, toolName: tool.name });
    if (check.ok !== true) deps.onRateLimit?.({ projectId: project.id, projectSlug: project.slug, toolName: tool.name, check });
    if (check.ok === false) {
      const message = rateLimitMessage(check);
      const retryAfterMs = check.scope === "unavailable" ? undefined : check.retryAfterMs;
      const limited = await finish("rate_limited", { ...run, error: message }, toolError(message));
      return retryAfterMs === undefined || limited.kind !== "result" ? limited : { ...limited, result: withMeta(limited.result, { "tengine/retryAfterMs": retryAfterMs }) };
    }
  }

  const resolved = resolveIdempotencyKey({
    headerKey: req.headerIdempotencyKey,
    metaKey: req.metaIdempotencyKey,
    principalKey: callerKey,
    toolId: tool.id,
    args,
    readOnly: tool.readOnly,
    windowSeconds: tool.idempotencyWindowSec,
  });
  if (!resolved.ok) return finish("failed", { ...run, error: resolved.error }, toolError(resolved.error));
  const key = resolved.resolved;
  const idem = key ? { idempotencyKey: key.source === "derived" ? undefined : key.key, dedupeSource: key.source } : {};

  // A dashboard "Try it" is a person acting themselves; only calls of principals wait for one.
  const needsApproval = principal.kind !== "dashboard" && approvalRequired(tool, runtime.approvalPolicy);
  const waitMs = deps.approvalWaitMs ?? DEFAULT_APPROVAL_WAIT_MS;

  let claim: { recordId: string; upstreamKey: string } | undefined;
  if (key) {
    const outcome = await claimIdempotencyKey(deps.db, deps.hot, { projectId: project.id, principalKey: callerKey, toolId: tool.id }, key, runId, {
      // A call waiting for a person holds its key until the approval expires: a retry joins it
      // instead of asking again.
      leaseMs: needsApproval ? APPROVAL_TTL_MS + 60_000 : tool.timeoutMs * tool.maxAttempts + 30_000,
      waitMs: needsApproval ? 0 : (deps.idempotencyWaitMs ?? tool.timeoutMs * tool.maxAttempts + 5_000),
      now: deps.now,
    });
    if (outcome.kind === "busy" && needsApproval) {
      // The same call is already waiting for (or running after) its approval: wait on it.
      const joined = await awaitApprovedRun(deps, { projectId: project.id, runId: outcome.originalRunId, toolName: tool.name, waitMs });
      await recordRun(deps.hot, { ...run, ...idem, status: "deduplicated", originalRunId: outcome.originalRunId, gatewayMs: elapsed(started) });
      return { kind: "result", runId, result: withMeta(joined, { "tengine/runId": outcome.originalRunId, "tengine/deduplicated": true, "tengine/originalRunId": outcome.originalRunId }) };
    }
    if (outcome.kind === "mismatch") {
      const message = `Idempotency key "${key.key}" was already used with different arguments for tool ${tool.name}; nothing was sent`;
      return finish("failed", { ...run, ...idem, error: message }, toolError(message));
    }
    if (outcome.kind === "busy") {
      const message = `A call with the same idempotency key is still in progress (run ${outcome.originalRunId}); retry later to get its result`;
      return finish("failed", { ...run, ...idem, originalRunId: outcome.originalRunId, error: message }, toolError(message));
    }
    if (outcome.kind === "replay") {
      const replayed = outcome.result as ToolResult;
      await recordRun(deps.hot, { ...run, ...idem, status: "deduplicated", originalRunId: outcome.originalRunId, gatewayMs: elapsed(started) });
      return {
        kind: "result",
        runId,
        result: withMeta(replayed, { "tengine/runId": runId, "tengine/deduplicated": true, "tengine/originalRunId": outcome.originalRunId }),
      };
    }
    claim = outcome;
  }

  if (needsApproval) {
    const upstreamKey = claim?.upstreamKey ?? runId;
    const preview = previewToolRequest(tool, runtime, { principal, project, args, runId, upstreamKey });
    if (!preview.ok) {
      if (claim) await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, { kind: "released" });
      return finish("failed", { ...run, ...idem, error: preview.message }, toolError(preview.message));
    }
    const expiresAt = new Date(createdAt.getTime() + APPROVAL_TTL_MS);
    const { approvalId } = await requestApproval(deps.db, {
      runId,
      projectId: project.id,
      toolId: tool.id,
      toolName: tool.name,
      principal,
      args,
      request: preview.request,
      idempotency: claim && key ? { recordId: claim.recordId, key: key.key, source: key.source, upstreamKey } : null,
      ...idem,
      createdAt,
      expiresAt,
    });
    const title = tool.listed.title;
    req.onApprovalPending?.({ runId, approvalId, toolName: tool.name, ...(title ? { toolTitle: title } : {}), request: preview.request, args, expiresAt });
    const answered = await awaitApprovedRun(deps, { projectId: project.id, runId, toolName: tool.name, waitMs, ...(deps.approvalPollMs ? { pollMs: deps.approvalPollMs } : {}) });
    return { kind: "result", runId, result: withMeta(answered, { "tengine/runId": runId }) };
  }

  let result: Execution;
  try {
    result = await sendToolRequest(deps, tool, runtime, { principal, project, args, runId, upstreamKey: claim?.upstreamKey ?? runId });
  } catch (error) {
    // A broken invariant (database down mid-call, a bug): the request may or may not have
    // gone out, so the key stays usable for a retry with the same upstream key, and the
    // caller gets an error that names the run instead of a protocol failure.
    if (claim) await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, { kind: "retryable" }).catch(() => {});
    const message = `Internal error while calling tool ${tool.name} (run ${runId}); it is safe to retry`;
    await recordRun(deps.hot, { ...run, ...idem, status: "failed", error: message, gatewayMs: elapsed(started) }).catch(() => {});
    throw Object.assign(new Error(message), { cause: error });
  }
  if (claim) {
    await settleIdempotencyKey(deps.db, deps.hot, claim.recordId, runId, result.settle === "completed" ? { kind: "completed", result: withMeta(result.result, { "tengine/runId": runId }) as StoredToolResult } : { kind: result.settle });
  }
  return finish(result.status, { ...run, ...idem, ...result.run }, result.result);
}

function withMeta(result: ToolResult, meta: Record<string, unknown>): ToolResult {
  return { ...result, _meta: { ...result._meta, ...meta } };
}

function elapsed(started: number) {
  return Math.round(performance.now() - started);
}
