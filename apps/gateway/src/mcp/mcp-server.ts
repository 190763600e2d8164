import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { z } from "zod";
import { CallToolRequestSchema, ErrorCode, InitializeRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { type CallFailureCode, callTool, hasScopes, isToolActivated, principalToolsets, type ToolCallDeps } from "@tengine/core";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../http/database-unavailable.ts";
import type { Metrics } from "../observability/metrics.ts";
import { askInClient, type PendingApproval } from "./ask-in-client.ts";
import { BUILTIN_TOOLS, callBuiltinTool, isBuiltinTool } from "./builtin-tools.ts";
import type { CallContext } from "./call-context.ts";
import { ELICITATION_SESSION_PREFIX } from "./elicitation-broker.ts";
import { GatewayTransport } from "./gateway-transport.ts";

/** Protocol versions this gateway speaks. */
export const SUPPORTED_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"] as const;
export const LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0];

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

/** The process's one MCP Server, with tools/list and tools/call backed by packages/core. */
const CAPABILITIES = { tools: { listChanged: false } };
const LooseCallToolRequest = z.object({ method: z.literal("tools/call"), params: z.unknown() });

export async function createMcpServer(deps: ToolCallDeps, metrics: Metrics) {
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
    const runtime = await deps.runtime.get(ctx.project.id, ctx.project.configVersion).catch((error: unknown) => unavailable(ctx, error));
    // A federated server that is down is answered from its last known tool list, marked stale.
    const toolsets = await principalToolsets(deps.db, ctx.principal, runtime.mcpServers).catch((error: unknown) => unavailable(ctx, error));
    const tools = runtime.toolList.filter((t) => hasScopes(t.requiredScopes, ctx.principal.scopes) && isToolActivated(t, toolsets)).map((t) => (t.federation && deps.mcp?.health(t.federation.server.id).state === "down" ? { ...t.listed, _meta: { ...t.listed._meta, "tengine/stale": true } } : t.listed));
    return { tools: [...tools, ...BUILTIN_TOOLS] };
  });

  // Registered with a loose schema so malformed params get a readable InvalidParams error
  // instead of the SDK's generic internal error.
  server.setRequestHandler(LooseCallToolRequest, async (raw, extra) => {
    const ctx = extra.authInfo!.extra as CallContext;
    const parsed = CallToolRequestSchema.safeParse(raw);
    if (!parsed.success) {
      throw rpcError(ErrorCode.InvalidParams, `Invalid tools/call params: ${parsed.error.issues.map((i) => `${i.path.join(".") || "params"} ${i.message}`).join("; ")}`);
    }
    const { name, arguments: args, _meta } = parsed.data.params;
    if (isBuiltinTool(name)) return callBuiltinTool(deps.db, ctx, name, args ?? {});
    const runtime = await deps.runtime.get(ctx.project.id, ctx.project.configVersion).catch((error: unknown) => unavailable(ctx, error));
    const toolsets = await principalToolsets(deps.db, ctx.principal, runtime.mcpServers).catch((error: unknown) => unavailable(ctx, error));
    const outcome = await callTool(deps, {
      toolsets,
      principal: ctx.principal,
      project: ctx.project,
      credential: ctx.credential,
      toolName: name,
      args: args ?? {},
      headerIdempotencyKey: ctx.idempotencyKeyHeader,
      metaIdempotencyKey: (_meta as Record<string, unknown> | undefined)?.["tengine/idempotencyKey"],
      ...(ctx.elicit ? { onApprovalPending: (pending: PendingApproval) => askInClient(deps, ctx, pending) } : {}),
    }).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: "unavailable" });
      return unavailable(ctx, error);
    });
    if (outcome.kind === "unknown_tool") throw rpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    if (outcome.kind === "insufficient_scope") {
      ctx.insufficientScope = outcome.missing;
      throw rpcError(INSUFFICIENT_SCOPE_CODE, `Tool requires scopes: ${outcome.missing.join(", ")}`);
    }
    metrics.toolCalls.inc({ project: ctx.project.slug, tool: name, status: callStatus(outcome) });
    if (outcome.timing) {
      metrics.gatewaySeconds.observe({ project: ctx.project.slug }, outcome.timing.gatewayMs / 1000);
      if (outcome.timing.upstreamMs !== undefined) metrics.upstreamSeconds.observe({ project: ctx.project.slug }, outcome.timing.upstreamMs / 1000);
    }
    return outcome.result;
  });

  const transport = new GatewayTransport();
  await server.connect(transport);
  return { server, transport };
}
