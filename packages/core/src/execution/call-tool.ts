import type { Db, HotQueries, RunStatus } from "@tengine/db";
import { signRequest } from "@tengine/sdk";
import { claimIdempotencyKey, type StoredToolResult } from "../idempotency/claim-idempotency-key.ts";
import { resolveIdempotencyKey } from "../idempotency/resolve-idempotency-key.ts";
import { settleIdempotencyKey } from "../idempotency/settle-idempotency-key.ts";
import { newId } from "../ids/new-id.ts";
import type { RateLimiter } from "../infra/rate-limiter.ts";
import { checkRateLimits, type RateLimitCheck, rateLimitMessage } from "../limits/check-rate-limits.ts";
import { mapResponse, mapSendFailure, type OutboundClient } from "../outbound/index.ts";
import { type Principal, principalKey } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import { recordRun, type RunRecord } from "../runs/record-run.ts";
import { redactDeep } from "../runs/redact.ts";
import type { ProjectRuntimeCache } from "../runtime/project-runtime-cache.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import { missingScopes } from "../scopes/has-scopes.ts";
import { renderRequest } from "../templates/index.ts";
import { describeValidationErrors } from "../validation/json-schema.ts";
import { identityHeaders } from "./identity-headers.ts";
import { describeRequest, describeResponse } from "./describe-exchange.ts";
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
};

/** A rate-limit check that did not simply pass. */
export type RateLimitEvent = { projectId: string; projectSlug: string; toolName: string; check: Exclude<RateLimitCheck, { ok: true }> };

export type ToolCallRequest = {
  principal: Principal;
  project: ProjectConfig;
  toolName: string;
  args: unknown;
  /** `Idempotency-Key` header of the MCP request */
  headerIdempotencyKey?: string;
  /** `params._meta["tengine/idempotencyKey"]` */
  metaIdempotencyKey?: unknown;
};

export type ToolCallOutcome =
  | { kind: "result"; runId: string; result: ToolResult; timing?: { gatewayMs: number; upstreamMs?: number } }
  | { kind: "unknown_tool"; runId: string }
  | { kind: "insufficient_scope"; runId: string; missing: string[] };

/**
 * One tools/call, end to end (DESIGN §7): tool and scope checks, argument validation,
 * idempotency, rendering, SSRF guard, identity headers, signing, sending with retries,
 * response mapping — and a run recorded for every outcome.
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
  const missing = missingScopes(tool.requiredScopes, principal.scopes);
  if (missing.length) {
    await recordRun(deps.hot, { ...run, status: "denied", error: `Tool requires scopes: ${tool.requiredScopes.join(", ")}`, gatewayMs: elapsed(started) });
    return { kind: "insufficient_scope", runId, missing: tool.requiredScopes };
  }
  if (project.requireMember && !principal.memberId) {
    const message = "This project requires a member identity: call with a member session token (tng_mst_…)";
    return finish("denied", { ...run, error: message }, toolError(message));
  }

  const args = req.args ?? {};
  if (!tool.validate(args)) {
    const problems = describeValidationErrors(tool.validate.errors);
    const message = `Invalid arguments for tool ${tool.name}: ${problems.join("; ")}`;
    return finish("failed", { ...run, error: message }, toolError(message));
  }

  if (deps.limiter) {
    const check = await checkRateLimits(deps.limiter, { projectId: project.id, limits: runtime.rateLimits, principalKey: principalKey(principal), toolName: tool.name });
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
    principalKey: principalKey(principal),
    toolId: tool.id,
    args,
    readOnly: tool.readOnly,
    windowSeconds: tool.idempotencyWindowSec,
  });
  if (!resolved.ok) return finish("failed", { ...run, error: resolved.error }, toolError(resolved.error));
  const key = resolved.resolved;
  const idem = key ? { idempotencyKey: key.source === "derived" ? undefined : key.key, dedupeSource: key.source } : {};

  let claim: { recordId: string; upstreamKey: string } | undefined;
  if (key) {
    const outcome = await claimIdempotencyKey(deps.db, deps.hot, { projectId: project.id, principalKey: principalKey(principal), toolId: tool.id }, key, runId, {
      leaseMs: tool.timeoutMs * tool.maxAttempts + 30_000,
      waitMs: deps.idempotencyWaitMs ?? tool.timeoutMs * tool.maxAttempts + 5_000,
      now: deps.now,
    });
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

  let result: Execution;
  try {
    result = await execute(deps, tool, runtime, req, runId, claim?.upstreamKey ?? runId);
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

type Execution = {
  status: RunStatus;
  result: ToolResult;
  /** how the idempotency key ends: replayable result, unknown outcome, or nothing sent */
  settle: "completed" | "retryable" | "released";
  run: Partial<RunRecord>;
};

async function execute(deps: ToolCallDeps, tool: PreparedTool, runtime: { signingKey: { keyid: string; secret: string } | null; secrets: Record<string, string> }, req: ToolCallRequest, runId: string, upstreamKey: string): Promise<Execution> {
  const { principal, project } = req;
  const rendered = renderRequest(tool.template, {
    input: req.args ?? {},
    member: principal.member,
    project: { id: project.id },
    run: { id: runId },
    secrets: runtime.secrets,
  });
  if (!rendered.ok) {
    const message = `Could not build the request for tool ${tool.name}: ${rendered.error}`;
    return { status: "failed", result: toolError(message), settle: "released", run: { error: message } };
  }
  const request = rendered.request;
  const secretValues = [...request.secretValues];
  const headers: Record<string, string> = { ...request.headers, ...identityHeaders(principal, runId, upstreamKey) };
  if (request.contentType && !hasHeader(headers, "content-type")) headers["content-type"] = request.contentType;
  if (tool.authType === "bearer" || tool.authType === "bearer+hmac") setHeader(headers, "authorization", `Bearer ${tool.authSecret ?? ""}`);
  if (tool.authType === "header" && tool.authHeaderName) setHeader(headers, tool.authHeaderName, tool.authSecret ?? "");
  if (tool.authSecret) secretValues.push(tool.authSecret);

  const signs = tool.authType === "hmac" || tool.authType === "bearer+hmac";
  const signingKey = runtime.signingKey;
  if (signs && !signingKey) {
    const message = `Tool ${tool.name} signs its requests but project has no active signing secret: create one with \`tengine signing-secrets create --project ${project.slug}\``;
    return { status: "failed", result: toolError(message), settle: "released", run: { error: message } };
  }
  const outbound = { method: request.method, url: request.url, headers, body: request.body };
  // Signatures are made per attempt inside send(); the run records which key signed.
  const recordedRequest = { ...describeRequest(outbound, secretValues), ...(signs && signingKey ? { signedWith: signingKey.keyid } : {}) };
  const sent = await deps.outbound.send(outbound, {
    timeoutMs: tool.timeoutMs,
    maxAttempts: tool.maxAttempts,
    maxResponseBytes: tool.maxResponseBytes,
    allowHttp: project.allowHttpUpstreams,
    allowedHosts: project.allowedUpstreamHosts,
    sign: signs && signingKey ? (r) => ({ ...signRequest(r, signingKey) }) : undefined,
  });
  const timing = { attempts: sent.attempts, upstreamMs: Math.round(sent.upstreamMs) };
  if (!sent.ok) {
    const result = redactDeep(mapSendFailure(sent), secretValues);
    const message = result.content[0]?.text ?? sent.message;
    // Refused before sending (SSRF, bad URL): nothing reached the upstream, the key is free.
    // Network errors and timeouts: the upstream may have acted; a retry must reuse the key.
    const settle = sent.kind === "blocked" || sent.kind === "invalid_url" ? "released" : "retryable";
    return { status: "failed", result, settle, run: { ...timing, request: recordedRequest, error: message } };
  }
  // An upstream may echo what it received (auth headers included): the model never sees secrets.
  const result = redactDeep(mapResponse(sent, tool.maxResponseBytes), secretValues);
  return {
    status: result.isError ? "failed" : "succeeded",
    result,
    settle: "completed",
    run: {
      ...timing,
      httpStatus: sent.status,
      request: recordedRequest,
      response: describeResponse(sent, secretValues),
      ...(result.isError ? { error: `upstream answered HTTP ${sent.status}` } : {}),
    },
  };
}

function withMeta(result: ToolResult, meta: Record<string, unknown>): ToolResult {
  return { ...result, _meta: { ...result._meta, ...meta } };
}

/** Sets a header, replacing any of the same name in another letter case. */
function setHeader(headers: Record<string, string>, name: string, value: string) {
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  headers[name.toLowerCase()] = value;
}

function hasHeader(headers: Record<string, string>, name: string) {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

function elapsed(started: number) {
  return Math.round(performance.now() - started);
}
