import type { IncomingMessage, ServerResponse } from "node:http";
import { isJSONRPCNotification, type JSONRPCMessage, type JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { isRequest } from "../json-rpc.ts";
import type { CallContext } from "../call-context.ts";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../../http/database-unavailable.ts";
import { DATABASE_UNAVAILABLE_CODE } from "../mcp-server.ts";
import type { GatewayTransport } from "../gateway-transport.ts";
import type { ApprovalRoundTripDeps } from "@tengine/core";
import { modernFollowUp, TASKS_EXTENSION, taskRequest } from "./follow-ups.ts";
import type { ListenStreams } from "./listen-streams.ts";
import { headerMismatch, missingRequestMeta } from "./request-headers.ts";
import { toolListPage, TOOLS_LIST_TTL_MS } from "./tool-list-page.ts";
import { ALL_PROTOCOL_VERSIONS, HEADER_MISMATCH, MISSING_REQUIRED_CLIENT_CAPABILITY, INVALID_PARAMS, METHOD_NOT_FOUND, SERVER_INFO, SERVER_INFO_META } from "./protocol.ts";

export type ModernDeps = { transport: GatewayTransport; listens: ListenStreams; followUps: ApprovalRoundTripDeps };
/** How the shared endpoint finishes an answer: its status and headers from what the handlers marked. */
export type Answer = (status: number, body: unknown, contexts: CallContext[]) => Promise<void>;

/**
 * Capabilities of the modern era: tools, with list_changed on subscriptions/listen, and the
 * tasks extension (a call waiting for approval becomes a task for a client that declares it).
 */
const CAPABILITIES = { tools: { listChanged: true }, extensions: { [TASKS_EXTENSION]: {} } };
/** Discovery depends on nobody's credential: any cache may keep it for an hour. */
const DISCOVER_RESULT = { resultType: "complete", supportedVersions: ALL_PROTOCOL_VERSIONS, capabilities: CAPABILITIES, _meta: { [SERVER_INFO_META]: SERVER_INFO }, ttlMs: 3_600_000, cacheScope: "public" };
/** Methods of the modern era the shared SDK Server answers (with the 2025 ones' handlers); ping is gone in 2026-07-28. */
const DISPATCHED = new Set(["tools/list", "tools/call"]);

function rpcError(id: JSONRPCRequest["id"] | null, code: number, message: string) {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

/**
 * One POST of the 2026-07-28 revision, after the credential and the media types were checked:
 * a single request with its `_meta` (else 400 Invalid params) and headers that agree with its
 * body (else 400 HeaderMismatch), then
 * server/discover, subscriptions/listen, or tools/list and tools/call through the same Server
 * and core code as the 2025 revisions. Results carry `resultType`; tools/list is paginated in
 * name order with cache hints; unknown methods are 404.
 */
export async function handleModernPost(deps: ModernDeps, req: IncomingMessage, res: ServerResponse, parsed: unknown, ctx: CallContext, answer: Answer) {
  if (Array.isArray(parsed)) return answer(400, rpcError(null, -32600, "Invalid Request: a 2026-07-28 request is one JSON-RPC message, not a batch"), []);
  const message = parsed as JSONRPCMessage;
  if (!isRequest(message)) {
    // notifications/cancelled and the like: nothing to answer on a stateless exchange.
    if (isJSONRPCNotification(message)) return void res.writeHead(202).end();
    return answer(400, rpcError(null, -32600, "Invalid Request: a 2026-07-28 client sends requests and notifications only"), []);
  }
  const params = message.params as Record<string, unknown> | undefined;
  const missing = missingRequestMeta(params);
  if (missing) return answer(400, rpcError(message.id, INVALID_PARAMS, `Invalid params: ${missing}`), []);
  const mismatch = headerMismatch(req.headers, message.method, params);
  if (mismatch) return answer(400, rpcError(message.id, HEADER_MISMATCH, `Header mismatch: ${mismatch}`), []);

  if (message.method === "server/discover") return answer(200, { jsonrpc: "2.0", id: message.id, result: DISCOVER_RESULT }, []);
  if (message.method === "subscriptions/listen") {
    const refused = deps.listens.open(res, message, ctx);
    return refused ? answer(429, rpcError(message.id, -32600, `Too many subscriptions: ${refused}`), []) : undefined;
  }
  if (message.method === "tasks/get" || message.method === "tasks/update" || message.method === "tasks/cancel") {
    // Tasks exist only for clients that declared the extension, on this very request.
    if (!modernFollowUp(params).tasks) {
      const required = { extensions: { [TASKS_EXTENSION]: {} } };
      return answer(400, { jsonrpc: "2.0", id: message.id, error: { code: MISSING_REQUIRED_CLIENT_CAPABILITY, message: `Missing required client capability: ${message.method} needs the ${TASKS_EXTENSION} extension in the request's client capabilities`, data: { requiredCapabilities: required } } }, []);
    }
    const outcome = await taskRequest(deps.followUps, ctx, message.method, params).catch((error: unknown) => databaseDown(ctx, error));
    if ("error" in outcome) return answer(200, { jsonrpc: "2.0", id: message.id, ...outcome }, [ctx]);
    return answer(200, { jsonrpc: "2.0", id: message.id, result: { ...outcome.result, _meta: { [SERVER_INFO_META]: SERVER_INFO } } }, [ctx]);
  }
  if (!DISPATCHED.has(message.method)) return answer(404, rpcError(message.id, METHOD_NOT_FOUND, `Method not found: ${message.method}`), []);

  ctx.modernHeaders = req.headers;
  ctx.modern = modernFollowUp(params);
  const reply = (await deps.transport.dispatch(message, { token: "", clientId: ctx.principal.keyId ?? "", scopes: ctx.principal.scopes ?? [], extra: ctx }, { headers: req.headers })) as { id: JSONRPCRequest["id"]; result?: Record<string, unknown>; error?: unknown };
  if (!reply.result) return answer(200, reply, [ctx]);
  // A call waiting for approval answers `input_required` or `task`; everything else is complete.
  let result: Record<string, unknown> = { ...reply.result, resultType: reply.result.resultType ?? "complete", _meta: { ...(reply.result._meta as object | undefined), [SERVER_INFO_META]: SERVER_INFO } };
  if (message.method === "tools/list") {
    const page = toolListPage(reply.result.tools as Array<{ name: string }>, params?.cursor);
    if (!page) return answer(200, rpcError(message.id, INVALID_PARAMS, "Invalid params: unknown cursor (start again without one)"), [ctx]);
    // The list depends on the caller's scopes: no cache may share it with another credential.
    result = { ...result, tools: page.tools, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), ttlMs: TOOLS_LIST_TTL_MS, cacheScope: "private" };
  }
  return answer(200, { jsonrpc: "2.0", id: reply.id, result }, [ctx]);
}

/** A task request that failed because Postgres is unreachable: a JSON-RPC error, answered 503. */
function databaseDown(ctx: CallContext, error: unknown): { error: { code: number; message: string } } {
  if (!isDatabaseUnavailable(error)) throw error;
  ctx.databaseUnavailable = true;
  return { error: { code: DATABASE_UNAVAILABLE_CODE, message: DATABASE_UNAVAILABLE_MESSAGE } };
}
