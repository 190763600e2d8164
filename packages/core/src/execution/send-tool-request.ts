import { SecretUnreadableError } from "../crypto/secret-box.ts";
import type { RunStatus } from "@tengine/db";
import { signRequest } from "@tengine/sdk";
import { mapResponse, mapSendFailure } from "../outbound/index.ts";
import type { Principal } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import type { RunRecord } from "../runs/record-run.ts";
import { redactDeep } from "../runs/redact.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import { renderRequest } from "../templates/index.ts";
import type { ToolCallDeps } from "./call-tool.ts";
import { describeRequest, describeResponse } from "./describe-exchange.ts";
import { identityHeaders } from "./identity-headers.ts";
import { type ToolResult, toolError } from "./tool-result.ts";

export type Execution = {
  status: RunStatus;
  result: ToolResult;
  /** how the idempotency key ends: replayable result, unknown outcome, or nothing sent */
  settle: "completed" | "retryable" | "released";
  run: Partial<RunRecord>;
};

type ToolRuntime = { signingKey: { keyid: string; secret: string } | null; secrets: Record<string, string> };
type CallIdentity = { principal: Principal; project: ProjectConfig; args: unknown; runId: string; upstreamKey: string };
type BuiltRequest = {
  outbound: { method: string; url: string; headers: Record<string, string>; body?: string };
  secretValues: string[];
  signingKey: { keyid: string; secret: string } | null;
};

/**
 * Steps 7-9 without sending: render the template, add identity, auth headers and decide
 * signing. A failure is a tool error and nothing goes out.
 */
function buildToolRequest(tool: PreparedTool, runtime: ToolRuntime, call: CallIdentity): { ok: true; built: BuiltRequest } | { ok: false; message: string } {
  const { principal, project, runId, upstreamKey } = call;
  const rendered = renderRequest(tool.template, {
    input: call.args ?? {},
    member: principal.member,
    project: { id: project.id },
    run: { id: runId },
    secrets: runtime.secrets,
  });
  if (!rendered.ok) return { ok: false, message: `Could not build the request for tool ${tool.name}: ${rendered.error}` };
  const request = rendered.request;
  const secretValues = [...request.secretValues];
  const headers: Record<string, string> = { ...request.headers, ...identityHeaders(principal, runId, upstreamKey) };
  if (request.contentType && !hasHeader(headers, "content-type")) headers["content-type"] = request.contentType;
  let authSecret: string | undefined;
  try {
    authSecret = tool.authSecret;
  } catch (error) {
    // A wrong master key, or a ciphertext moved from another row: refuse, never send without it.
    if (error instanceof SecretUnreadableError) return { ok: false, message: `The stored credential of tool ${tool.name} cannot be decrypted (TENGINE_MASTER_KEY does not open it for this tool); nothing was sent` };
    throw error;
  }
  if (tool.authType === "bearer" || tool.authType === "bearer+hmac") setHeader(headers, "authorization", `Bearer ${authSecret ?? ""}`);
  if (tool.authType === "header" && tool.authHeaderName) setHeader(headers, tool.authHeaderName, authSecret ?? "");
  if (authSecret) secretValues.push(authSecret);

  const signs = tool.authType === "hmac" || tool.authType === "bearer+hmac";
  if (signs && !runtime.signingKey) {
    return { ok: false, message: `Tool ${tool.name} signs its requests but project has no active signing secret: create one with \`tengine signing-secrets create --project ${project.slug}\`` };
  }
  return { ok: true, built: { outbound: { method: request.method, url: request.url, headers, ...(request.body !== undefined ? { body: request.body } : {}) }, secretValues, signingKey: signs ? runtime.signingKey : null } };
}

/**
 * The request a call would send, rendered and redacted as a run records it: what an approver
 * reads before deciding (DESIGN §7 step 6). Secrets never appear; nothing is sent.
 */
export function previewToolRequest(tool: PreparedTool, runtime: ToolRuntime, call: CallIdentity): { ok: true; request: unknown } | { ok: false; message: string } {
  const built = buildToolRequest(tool, runtime, call);
  if (!built.ok) return built;
  const { outbound, secretValues, signingKey } = built.built;
  return { ok: true, request: { ...describeRequest(outbound, secretValues), ...(signingKey ? { signedWith: signingKey.keyid } : {}) } };
}

/**
 * Steps 7-11 of a tool call (DESIGN §7): render, SSRF guard, identity headers, auth and
 * signing, send with retries, map the response. Shared by `callTool` and the worker's
 * execution of approved runs, so an approved call goes out exactly as a direct one would.
 * `upstreamKey` is the Idempotency-Key sent upstream on every attempt.
 */
export async function sendToolRequest(deps: Pick<ToolCallDeps, "outbound">, tool: PreparedTool, runtime: ToolRuntime, call: CallIdentity): Promise<Execution> {
  const { project } = call;
  const prepared = buildToolRequest(tool, runtime, call);
  if (!prepared.ok) return { status: "failed", result: toolError(prepared.message), settle: "released", run: { error: prepared.message } };
  const { outbound, secretValues, signingKey } = prepared.built;
  const signs = signingKey !== null;
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

/** Sets a header, replacing any of the same name in another letter case. */
function setHeader(headers: Record<string, string>, name: string, value: string) {
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  headers[name.toLowerCase()] = value;
}

function hasHeader(headers: Record<string, string>, name: string) {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

