import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, InitializeRequestSchema, type JSONRPCRequest, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { type ApprovalRoundTripDeps, CALL_TOOL, type ToolCallOutcome, type CallFailureCode, callTool, isDiscoveryTool, isPlainObject, limitDiscoveryCall, listPlatformTools, listToolsForCaller, PerCallerCache, principalToolsets, resultForProtocol, type ToolCallDeps } from "@tengine/core";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../http/database-unavailable.ts";
import type { Metrics } from "../observability/metrics.ts";
import { askInClient, type PendingApproval } from "./ask-in-client.ts";
import { BUILTIN_TOOLS, callBuiltinTool, callDiscoveryTool, callFamilyTool, isBuiltinTool } from "./builtin-tools.ts";
import { RawJson } from "../http/raw-json.ts";
import type { CallContext } from "./call-context.ts";
import { ELICITATION_SESSION_PREFIX } from "./elicitation-broker.ts";
import { GatewayTransport } from "./gateway-transport.ts";
import { type ModernFollowUp, retryAnswer, slowCallAsTask, taskAnswer, waitingAnswer } from "./modern/follow-ups.ts";
import { paramHeaderMismatch } from "./modern/param-headers.ts";
import { HEADER_MISMATCH } from "./modern/protocol.ts";

import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "./protocol-versions.ts";

export { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS };

/** JSON-RPC error code for a call refused for lack of scopes (answered with HTTP 403). */
export const INSUFFICIENT_SCOPE_CODE = -32003;
/** JSON-RPC error code for a request that failed because Postgres is unreachable (HTTP 503). */
export const DATABASE_UNAVAILABLE_CODE = -32010;

/**
 * A JSON-RPC error the SDK sends as `{ code, message }`. Not `McpError`: its constructor puts
 * "MCP error <code>: " into the message, and the client SDK adds that prefix again when it
 * wraps the error, so users read it twice. The wire message is the plain sentence.
 */
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Rethrows a database outage as a clear JSON-RPC error and marks the request for a 503. */
function unavailable(ctx: CallContext, error: unknown): never {
  if (!isDatabaseUnavailable(error)) throw error;
  ctx.databaseUnavailable = true;
  throw rpcError(DATABASE_UNAVAILABLE_CODE, DATABASE_UNAVAILABLE_MESSAGE);
}

/** The metric status of a tools/call outcome, from its typed failure code (never its text). */
function callStatus(outcome: { result: { isError?: boolean }; failure?: CallFailureCode; deduplicated?: true }): string {
  if (outcome.deduplicated) return "deduplicated";
  if (!outcome.result.isError) return "ok";
  return outcome.failure === "rate_limited" ? "rate_limited" : "error";
}

/**
 * tools/call params: the common shape (a name, optional arguments and _meta objects) is
 * checked by hand; anything else goes through the SDK's schema, which accepts it or names
 * what is wrong.
 */
function callToolParams(raw: JSONRPCRequest): { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> } {
  const params = raw.params as Record<string, unknown> | undefined;
  if (isPlainObject(params) && typeof params.name === "string" && (params.arguments === undefined || isPlainObject(params.arguments)) && (params._meta === undefined || isPlainObject(params._meta)) && params.task === undefined) {
    return params as { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
  }
  const parsed = CallToolRequestSchema.safeParse(raw);
  if (!parsed.success) {
    throw rpcError(ErrorCode.InvalidParams, `Invalid tools/call params: ${parsed.error.issues.map((i) => `${i.path.join(".") || "params"} ${i.message}`).join("; ")}`);
  }
  return parsed.data.params;
}

/** The 2025 era's serialized tool lists, per project version and caller (see the tools/list handler). */
const serializedLists = new PerCallerCache<RawJson>();

/** The process's one MCP Server, with tools/list and tools/call backed by packages/core. */
const CAPABILITIES = { tools: { listChanged: false } };

export async function createMcpServer(deps: ToolCallDeps, metrics: Metrics, followUps: ApprovalRoundTripDeps & { taskAfterMs: number }) {
  const server = new Server({ name: "tengine", version: "0.1.0" }, { capabilities: CAPABILITIES });

  // The SDK also accepts 2024 versions; this gateway negotiates only the three it supports.
  server.setRequestHandler(InitializeRequestSchema, (request, extra) => {
    // Stateless: nothing is kept. A client that can answer questions gets a session id that
    // says so, which it sends back on every request (see ELICITATION_SESSION_PREFIX).
    if (request.params.capabilities.elicitation) (extra.authInfo!.extra as CallContext).sessionId = `${ELICITATION_SESSION_PREFIX}${randomUUID()}`;
    const requested = request.params.protocolVersion;
    const protocolVersion = (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
    return { protocolVersion, capabilities: CAPABILITIES, serverInfo: { name: "tengine", version: "0.1.0" } };
  });

  server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    const ctx = extra.authInfo!.extra as CallContext;
    // Platform tools: exactly the families (and actions) the scopes granted by name allow.
    const platform = listPlatformTools(ctx.surface, ctx.principal.scopes);
    if (ctx.surface === "org") return { tools: [...platform, ...BUILTIN_TOOLS] };
    const runtime = await deps.runtime.get(ctx.project.id, ctx.project.configVersion).catch((error: unknown) => unavailable(ctx, error));
    // By the project's discovery mode, from the tools the caller may call (list, search,
    // families); platform tools are few and always listed beside them. A federated server that
    // is down is answered from its last known tool list, marked stale.
    const toolsets = await principalToolsets(deps.db, ctx.principal, runtime.mcpServers).catch((error: unknown) => unavailable(ctx, error));
    const anyDown = runtime.mcpServers.some((server) => deps.mcp?.health(server.id).state === "down");
    // The 2025 era's whole list, serialized once per project version and caller's scopes and
    // toolsets while every server is up (a 1,000-tool list is ~700 KB of JSON). The modern era
    // pages it, so it gets the objects.
    if (!anyDown && !ctx.modern && !ctx.modernHeaders) {
      return { tools: serializedLists.get(runtime, ctx.principal.scopes, toolsets, () => new RawJson(JSON.stringify([...listToolsForCaller(runtime, ctx.principal.scopes, toolsets).tools, ...platform, ...BUILTIN_TOOLS]))) };
    }
    const { tools } = listToolsForCaller(runtime, ctx.principal.scopes, toolsets);
    const isDown = (name: string) => {
      const server = runtime.tools.get(name)?.federation?.server;
      return server !== undefined && deps.mcp?.health(server.id).state === "down";
    };
    const listed = tools.map((t) => (isDown(t.name) ? { ...t, _meta: { ...t._meta, "tengine/stale": true } } : t));
    return { tools: [...listed, ...platform, ...BUILTIN_TOOLS] };
  });

  // tools/call is answered by the transport directly, not through the SDK's request machinery
  // (see GatewayTransport.answerDirectly): malformed params get a readable InvalidParams error.
  const callToolHandler = async (raw: JSONRPCRequest, ctx: CallContext) => {
    const { name: called, arguments: calledArgs, _meta } = callToolParams(raw);
    // A modern client's retry of a call that answered input_required: the sealed state names
    // the run it waits for (bound to this caller, tool and arguments); nothing runs again.
    const requestState = (raw.params as { requestState?: unknown } | undefined)?.requestState;
    if (ctx.modern && requestState !== undefined) {
      if (typeof requestState !== "string") throw rpcError(ErrorCode.InvalidParams, "Invalid requestState: expected the string of an earlier input_required answer");
      const inputResponses = (raw.params as { inputResponses?: unknown }).inputResponses;
      return retryAnswer(followUps, { ctx: ctx as CallContext & { modern: ModernFollowUp }, tool: called, args: calledArgs ?? {} }, requestState, inputResponses).catch((error: unknown) => unavailable(ctx, error));
    }
    let name = called;
    let args: unknown = calledArgs ?? {};
    let metaIdempotencyKey = (_meta as Record<string, unknown> | undefined)?.["tengine/idempotencyKey"];
    if (isBuiltinTool(name) && !isDiscoveryTool(name)) return callBuiltinTool(deps.db, ctx, name, calledArgs ?? {});
    // The MCP servers the credential asks for (read only when the project has one activated on request).
    let toolsets: string[] = [];
    if (ctx.surface !== "org") {
      // A warm project's runtime is at hand; a project without MCP servers has no toolsets to read.
      const runtime = deps.runtime.current(ctx.project.id, ctx.project.configVersion) ?? (await deps.runtime.get(ctx.project.id, ctx.project.configVersion).catch((error: unknown) => unavailable(ctx, error)));
      if (runtime.mcpServers.length) toolsets = await principalToolsets(deps.db, ctx.principal, runtime.mcpServers).catch((error: unknown) => unavailable(ctx, error));
      if (ctx.modernHeaders) {
        // x-mcp-header: what a proxy read from the headers must be what the tool receives.
        const headerParams = runtime.tools.get(name)?.headerParams;
        const mismatch = headerParams?.length ? paramHeaderMismatch(headerParams, args, ctx.modernHeaders) : undefined;
        if (mismatch) {
          ctx.headerMismatch = true;
          throw rpcError(HEADER_MISMATCH, `Header mismatch: ${mismatch}`);
        }
      }
      if (isDiscoveryTool(name) && name !== CALL_TOOL) {
        // Search and describe count against the caller's rate limits but are not runs (see limitDiscoveryCall).
        const refused = await limitDiscoveryCall(deps, { project: ctx.project, limits: runtime.rateLimits, principal: ctx.principal, toolName: name }).catch((error: unknown) => unavailable(ctx, error));
        if (refused) {
          metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: "rate_limited" });
          return refused;
        }
      }
      if (isDiscoveryTool(name) || name.startsWith("family_")) {
        // Search, describe, and the two ways of naming a tool to call: tengine_call_tool and a
        // family tool. A named tool then runs below exactly as a direct call of it would.
        const answer = isDiscoveryTool(name) ? callDiscoveryTool(runtime, ctx, name, calledArgs ?? {}, toolsets) : callFamilyTool(runtime, ctx, name, calledArgs ?? {}, toolsets);
        if (answer && !("forward" in answer)) {
          if (isDiscoveryTool(name)) metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: answer.isError ? "error" : "ok" });
          return answer;
        }
        if (answer) {
          name = answer.forward.toolName;
          args = answer.forward.args;
          if (answer.forward.idempotencyKey !== undefined) metaIdempotencyKey = answer.forward.idempotencyKey;
        }
      }
    }
    const observe = (outcome: ToolCallOutcome) => {
      if (outcome.kind !== "result") return;
      metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: callStatus(outcome) });
      if (outcome.timing) {
        metrics.gatewaySeconds.observe({ project: ctx.project.slug }, outcome.timing.gatewayMs / 1000);
        if (outcome.timing.upstreamMs !== undefined) metrics.upstreamSeconds.observe({ project: ctx.project.slug }, outcome.timing.upstreamMs / 1000);
      }
    };
    let running: Promise<ToolCallOutcome> | undefined;
    const asTask = slowCallAsTask(ctx, followUps.taskAfterMs, () => running!);
    running = callTool(deps, {
      toolsets,
      principal: ctx.principal,
      project: ctx.project,
      credential: ctx.credential,
      toolName: name,
      args,
      surface: ctx.surface,
      headerIdempotencyKey: ctx.idempotencyKeyHeader,
      metaIdempotencyKey,
      ...(ctx.elicit ? { onApprovalPending: (pending: PendingApproval) => askInClient(deps, ctx, pending) } : {}),
      // A modern client follows up itself (task or input_required): no wait for the decision.
      ...(ctx.modern ? { approvalWaitMs: 0 } : {}),
      ...asTask?.option,
    });
    const taskRunId = await asTask?.race();
    if (taskRunId !== undefined) {
      // The call goes on here; the client polls its task. Its run replaces the running row.
      running.then(observe, (error: unknown) => {
        if (isDatabaseUnavailable(error)) metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: "unavailable" });
      });
      return taskAnswer(followUps, ctx as CallContext & { modern: ModernFollowUp }, taskRunId).catch((error: unknown) => unavailable(ctx, error));
    }
    const outcome = await running.catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: "unavailable" });
      return unavailable(ctx, error);
    });
    if (outcome.kind === "unknown_tool") throw rpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    if (outcome.kind === "insufficient_scope") {
      ctx.insufficientScope = outcome.missing;
      throw rpcError(INSUFFICIENT_SCOPE_CODE, `Tool requires scopes: ${outcome.missing.join(", ")}`);
    }
    observe(outcome);
    if (ctx.modern && outcome.waiting) {
      const modernCtx = ctx as CallContext & { modern: ModernFollowUp };
      return waitingAnswer(followUps, { ctx: modernCtx, tool: called, args: calledArgs ?? {} }, outcome.waiting).catch((error: unknown) => unavailable(ctx, error));
    }
    // A content type the client's protocol revision lacks (audio, resource links) goes as text.
    return resultForProtocol(outcome.result, ctx.protocolVersion);
  };

  const transport = new GatewayTransport();
  transport.answerDirectly("tools/call", (request, authInfo) => callToolHandler(request, authInfo.extra as CallContext));
  await server.connect(transport);
  return { server, transport };
}
