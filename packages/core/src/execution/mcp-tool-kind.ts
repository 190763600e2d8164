import type { McpSendResult } from "../federation/mcp-pool.ts";
import type { McpServerRuntime } from "../federation/mcp-server-runtime.ts";
import { capText, redactDeep } from "../runs/redact.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import type { StepResult } from "./call-failure.ts";
import { describeRequest } from "./describe-exchange.ts";
import { federatedToolResult, recordedToolResult } from "./mcp-result-content.ts";
import { identityHeaders, principalMeta } from "./identity-headers.ts";
import type { CallIdentity, Execution, ToolKind, ToolRuntime } from "./tool-kind.ts";
import { type ToolResult, toolError } from "./tool-result.ts";

/** A federated tools/call ready to go: the upstream tool, arguments, `_meta` and identity headers. */
export type RenderedMcpCall = {
  server: McpServerRuntime;
  upstreamName: string;
  args: Record<string, unknown>;
  meta: Record<string, unknown> & { "tengine/runId": string };
  /** identity headers and Idempotency-Key, sent over HTTP only */
  headers: Record<string, string>;
  signingKey: { keyid: string; secret: string } | null;
  timeoutMs: number;
};

const MAX_RECORDED_RESULT = 16 * 1024;

/**
 * Render: the upstream's own tool name, the validated arguments, and the caller's identity —
 * as `_meta["tengine/principal"]` on both transports, and over HTTP as the identity headers
 * HTTP tools send, with the idempotency key in `_meta` and `Idempotency-Key`. Over HTTP the
 * request is signed (RFC 9421) when the project has an active signing secret.
 */
function render(tool: PreparedTool, runtime: ToolRuntime, call: CallIdentity): StepResult<RenderedMcpCall> {
  const { server, upstreamName } = tool.federation!;
  const args = call.args && typeof call.args === "object" && !Array.isArray(call.args) ? (call.args as Record<string, unknown>) : {};
  return {
    ok: true,
    value: {
      server,
      upstreamName,
      args,
      meta: { "tengine/runId": call.runId, "tengine/idempotencyKey": call.upstreamKey, "tengine/principal": principalMeta(call.principal) },
      headers: server.transport === "http" ? identityHeaders(call.principal, call.runId, call.upstreamKey) : {},
      signingKey: server.transport === "http" ? runtime.signingKey : null,
      timeoutMs: tool.timeoutMs,
    },
  };
}

/** As a run records it: a `tools/call` to the server (named), in the request shape every run has. */
function describe({ server, upstreamName, args, meta, headers, signingKey }: RenderedMcpCall): unknown {
  const body = JSON.stringify({ name: upstreamName, arguments: args, _meta: meta });
  const url = server.transport === "http" ? (server.url ?? "") : `stdio:${server.catalogEntry ?? ""}`;
  return { ...describeRequest({ method: "tools/call", url, headers, body }, Object.values(server.stored)), mcpServer: server.name, ...(signingKey ? { signedWith: signingKey.keyid } : {}) };
}

async function send(deps: Pick<ToolCallDeps, "mcp">, _tool: PreparedTool, _project: CallIdentity["project"], rendered: RenderedMcpCall): Promise<McpSendResult> {
  if (!deps.mcp) return { ok: false, kind: "refused", message: `This process cannot reach MCP server ${rendered.server.name} (no MCP connection pool); nothing was sent`, upstreamMs: 0, secretValues: [] };
  return deps.mcp.callTool(rendered.server, { name: rendered.upstreamName, args: rendered.args, meta: rendered.meta, headers: { headers: rendered.headers, signingKey: rendered.signingKey }, timeoutMs: rendered.timeoutMs });
}

/** Map: the server's result, secrets redacted and size bounded; a failure names the server. */
function map(tool: PreparedTool, rendered: RenderedMcpCall, sent: McpSendResult, recordedRequest: unknown): Execution {
  const secretValues = [...sent.secretValues, ...Object.values(rendered.server.stored)];
  const timing = { attempts: !sent.ok && sent.kind === "refused" ? 0 : 1, upstreamMs: Math.round(sent.upstreamMs) };
  if (!sent.ok) {
    const message = redactDeep(sent.message, secretValues);
    const refused = sent.kind === "refused";
    return { status: "failed", result: toolError(message), settle: refused ? "released" : "retryable", failure: refused ? "send_refused" : "upstream_unreachable", run: { ...timing, request: recordedRequest, error: message } };
  }
  const result = federatedToolResult(sent.result, tool.maxResponseBytes, secretValues);
  const recorded = capText(JSON.stringify(recordedToolResult(result)), MAX_RECORDED_RESULT);
  return {
    status: result.isError ? "failed" : "succeeded",
    result,
    settle: "completed",
    ...(result.isError ? { failure: "upstream_error" as const } : {}),
    run: {
      ...timing,
      request: recordedRequest,
      response: { status: 200, headers: { "content-type": "application/json" }, body: recorded.text, ...(recorded.truncated ? { truncated: true } : {}) },
      ...(result.isError ? { error: `MCP server ${rendered.server.name} answered with a tool error` } : {}),
    },
  };
}

/** The federated kind: a tool of an external MCP server, sent as an MCP tools/call through the pool. */
export const mcpToolKind: ToolKind<RenderedMcpCall, McpSendResult> = { render, describe, send, map };
