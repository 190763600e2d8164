import { signRequest } from "@tengine/sdk";
import { SecretUnreadableError } from "../crypto/secret-box.ts";
import { mapResponse, mapSendFailure, type OutboundClient, type OutboundRequest, type SendResult } from "../outbound/index.ts";
import { type BodyView, encodeMultipart, type MultipartPart } from "../templates/body-encoding.ts";
import { fetchFileParts } from "./fetch-file-parts.ts";
import { redactDeep } from "../runs/redact.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import { renderRequest } from "../templates/index.ts";
import { failed, type StepResult } from "./call-failure.ts";
import { describeRequest, describeResponse } from "./describe-exchange.ts";
import { identityHeaders } from "./identity-headers.ts";
import { randomToken } from "../ids/new-id.ts";
import type { CallIdentity, ToolKind, ToolRuntime } from "./tool-kind.ts";

/** An HTTP request ready to go: headers with identity and auth, and the key that signs it. */
export type RenderedHttpRequest = {
  outbound: OutboundRequest;
  /** What the run records of the body when it is not plain text (form pairs, parts, binary size). */
  bodyView?: BodyView;
  /** Multipart parts given by URL, fetched and encoded just before sending. */
  pendingMultipart?: { parts: MultipartPart[]; boundary: string };
  /** every secret the request carries, redacted from what is recorded and returned */
  secretValues: string[];
  signingKey: { keyid: string; secret: string } | null;
};

/**
 * Render: the template with the call's arguments, identity headers, the tool's auth header and
 * the signing decision. A failure is typed and nothing goes out.
 */
function render(tool: PreparedTool, runtime: ToolRuntime, call: CallIdentity): StepResult<RenderedHttpRequest> {
  const { principal, project, runId, upstreamKey } = call;
  const rendered = renderRequest(tool.template, {
    input: call.args ?? {},
    member: principal.member,
    project: { id: project.id },
    run: { id: runId },
    secrets: runtime.secrets,
  });
  if (!rendered.ok) return failed("render_failed", `Could not build the request for tool ${tool.name}: ${rendered.error}`);
  const request = rendered.request;
  const secretValues = [...request.secretValues];
  const headers: Record<string, string> = { ...request.headers, ...identityHeaders(principal, runId, upstreamKey) };
  if (request.contentType && !hasHeader(headers, "content-type")) headers["content-type"] = request.contentType;
  let authSecret: string | undefined;
  try {
    authSecret = tool.authSecret;
  } catch (error) {
    // A wrong master key, or a ciphertext moved from another row: refuse, never send without it.
    if (error instanceof SecretUnreadableError) return failed("credential_unreadable", `The stored credential of tool ${tool.name} cannot be decrypted (TENGINE_MASTER_KEY does not open it for this tool); nothing was sent`);
    throw error;
  }
  if (tool.authType === "bearer" || tool.authType === "bearer+hmac") setHeader(headers, "authorization", `Bearer ${authSecret ?? ""}`);
  if (tool.authType === "header" && tool.authHeaderName) setHeader(headers, tool.authHeaderName, authSecret ?? "");
  if (authSecret) secretValues.push(authSecret);

  const signs = tool.authType === "hmac" || tool.authType === "bearer+hmac";
  if (signs && !runtime.signingKey) {
    return failed("signing_key_missing", `Tool ${tool.name} signs its requests but project has no active signing secret: create one with \`tengine signing-secrets create --project ${project.slug}\``);
  }
  return {
    ok: true,
    value: {
      outbound: { method: request.method, url: request.url, headers, ...(request.body !== undefined ? { body: request.body } : {}) },
      ...(request.bodyView !== undefined ? { bodyView: request.bodyView } : {}),
      ...(request.pendingMultipart ? { pendingMultipart: request.pendingMultipart } : {}),
      secretValues,
      signingKey: signs ? runtime.signingKey : null,
    },
  };
}

/** The request as a run records it and an approver reads it; the run also records which key signed. */
function describe({ outbound, bodyView, secretValues, signingKey }: RenderedHttpRequest): unknown {
  return { ...describeRequest({ ...outbound, ...(bodyView !== undefined ? { bodyView } : {}) }, secretValues), ...(signingKey ? { signedWith: signingKey.keyid } : {}) };
}

/** Sign and send: the SSRF guard, retries and the response cap live in the outbound client. */
async function send(deps: { outbound: OutboundClient }, tool: PreparedTool, project: CallIdentity["project"], { outbound, signingKey, pendingMultipart }: RenderedHttpRequest): Promise<SendResult> {
  if (pendingMultipart) {
    const fetched = await fetchFileParts(deps.outbound, pendingMultipart.parts, { timeoutMs: tool.timeoutMs, allowHttp: project.allowHttpUpstreams, allowedHosts: project.allowedUpstreamHosts });
    if (!fetched.ok) return fetched;
    outbound = { ...outbound, body: encodeMultipart(fetched.parts, pendingMultipart.boundary) };
  }
  return deps.outbound.send(outbound, {
    timeoutMs: tool.timeoutMs,
    maxAttempts: tool.maxAttempts,
    maxResponseBytes: tool.maxResponseBytes,
    allowHttp: project.allowHttpUpstreams,
    allowedHosts: project.allowedUpstreamHosts,
    // Signatures are made per attempt (fresh timestamp and nonce).
    sign: signingKey ? (r) => ({ ...signRequest(r, signingKey, { nonce: randomToken(16) }) }) : undefined,
  });
}

/** Map: the upstream's answer or the send failure as a tool result, secrets redacted. */
function map(tool: PreparedTool, { secretValues }: RenderedHttpRequest, sent: SendResult, recordedRequest: unknown) {
  const timing = { attempts: sent.attempts, upstreamMs: Math.round(sent.upstreamMs) };
  if (!sent.ok) {
    const result = redactDeep(mapSendFailure(sent), secretValues);
    const first = result.content[0];
    const message = first?.type === "text" ? first.text : sent.message;
    // Refused before sending (SSRF, bad URL): nothing reached the upstream, the key is free.
    // Network errors and timeouts: the upstream may have acted; a retry must reuse the key.
    const refused = sent.kind === "blocked" || sent.kind === "invalid_url";
    return {
      status: "failed" as const,
      result,
      settle: refused ? ("released" as const) : ("retryable" as const),
      failure: refused ? ("send_refused" as const) : ("upstream_unreachable" as const),
      run: { ...timing, request: recordedRequest, error: message },
    };
  }
  // An upstream may echo what it received (auth headers included): the model never sees secrets.
  const result = redactDeep(mapResponse(sent, tool.maxResponseBytes), secretValues);
  return {
    status: result.isError ? ("failed" as const) : ("succeeded" as const),
    result,
    settle: "completed" as const,
    ...(result.isError ? { failure: "upstream_error" as const } : {}),
    run: {
      ...timing,
      httpStatus: sent.status,
      request: recordedRequest,
      response: describeResponse(sent, secretValues),
      ...(result.isError ? { error: `upstream answered HTTP ${sent.status}` } : {}),
    },
  };
}

/** The HTTP kind: a tool defined by a request template, sent to the customer's upstream. */
export const httpToolKind: ToolKind<RenderedHttpRequest, SendResult> = { render, describe, send, map };

/** Sets a header, replacing any of the same name in another letter case. */
function setHeader(headers: Record<string, string>, name: string, value: string) {
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  headers[name.toLowerCase()] = value;
}

function hasHeader(headers: Record<string, string>, name: string) {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}
