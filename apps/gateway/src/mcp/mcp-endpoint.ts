import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApprovalRoundTripDeps, type Principal, principalKey } from "@tengine/core";
import { isJSONRPCNotification, type JSONRPCMessage, type JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Db } from "@tengine/db";
import { type AuthDeps, authenticate, authenticateForOrg, bearerChallenge } from "../http/authenticate.ts";
import { BodyTooLargeError, readBody } from "../http/read-body.ts";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../http/database-unavailable.ts";
import { stringifyJson } from "../http/raw-json.ts";
import { sendJson } from "../http/respond.ts";
import { isRequest } from "./json-rpc.ts";
import type { CallContext } from "./call-context.ts";
import { ELICITATION_SESSION_PREFIX, ElicitationBroker } from "./elicitation-broker.ts";
import type { GatewayTransport } from "./gateway-transport.ts";
import { DATABASE_UNAVAILABLE_CODE, SUPPORTED_PROTOCOL_VERSIONS } from "./mcp-server.ts";
import type { ListenStreams } from "./modern/listen-streams.ts";
import { handleModernPost } from "./modern/modern-endpoint.ts";
import { HEADER_MISMATCH, isModernVersion, PROTOCOL_VERSION_META, unsupportedVersionError } from "./modern/protocol.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export type McpEndpointDeps = {
  auth: AuthDeps;
  transport: GatewayTransport;
  publicUrl: string;
  /** told about each request answered 503 because Postgres was unreachable (metrics, logs) */
  onDatabaseUnavailable?: (phase: "request" | "tool_call", error?: unknown) => void;
  /**
   * Told when an OAuth principal was refused for missing scopes (starts a step-up); awaited
   * before the 403 goes out, because the client refreshes right after it. Must not throw.
   */
  onInsufficientScope?: (principal: Principal, scopes: string[]) => Promise<void>;
  /** questions to the client while a call waits for approval (MCP elicitation) */
  elicitations?: ElicitationBroker;
  /** the process's open subscriptions/listen streams (2026-07-28 clients) */
  listens: ListenStreams;
  /** what a modern client's follow-ups of a call waiting for approval need (tasks, requestState) */
  followUps: ApprovalRoundTripDeps;
};

/**
 * POST {gateway}/mcp, {gateway}/p/{slug}/mcp and {gateway}/o/{org}/mcp — MCP Streamable HTTP, stateless, answered
 * as JSON (or as one SSE event when the client accepts only event streams). Order of checks:
 * credential (401), media types (406/415), body (413/400), protocol version header (400).
 * `MCP-Protocol-Version: 2026-07-28` selects the modern era (modern/modern-endpoint.ts);
 * no header or a 2025 revision the initialize-based one, unchanged.
 */
export async function handleMcpPost(deps: McpEndpointDeps, req: IncomingMessage, res: ServerResponse, slug: string | undefined, requestId: string, org?: { slug: string; db: Db }) {
  const resourcePath = org ? `/o/${org.slug}/mcp` : slug === undefined ? "/mcp" : `/p/${slug}/mcp`;
  const metadataUrl = `${deps.publicUrl}/.well-known/oauth-protected-resource${resourcePath}`;

  let auth: Awaited<ReturnType<typeof authenticate>>;
  try {
    auth = org ? await authenticateForOrg(deps.auth, org.db, req.headers.authorization, org.slug) : await authenticate(deps.auth, req.headers.authorization, slug);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    // Postgres down: the credential cannot be checked. Nothing ran; the client may retry.
    deps.onDatabaseUnavailable?.("request", error);
    return sendJson(res, 503, jsonRpcError(null, DATABASE_UNAVAILABLE_CODE, DATABASE_UNAVAILABLE_MESSAGE), { "retry-after": "5" });
  }
  if (!auth.ok) {
    const challenge = bearerChallenge(metadataUrl, auth.error ? { error: auth.error, description: auth.description } : undefined);
    return sendJson(res, 401, jsonRpcError(null, -32001, `Unauthorized: ${auth.description}`), { "www-authenticate": challenge });
  }
  // DESIGN §11: the admin turned MCP off. The credential is fine, so no challenge: a new
  // token would not help. (OAuth tokens of such a project already failed validation above.)
  if (!auth.project.mcpEnabled) return sendJson(res, 403, jsonRpcError(null, -32001, "MCP is disabled for this project"));

  const version = req.headers["mcp-protocol-version"];
  const modern = typeof version === "string" && isModernVersion(version);
  const unsupported = version !== undefined && !modern && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(String(version));
  const accept = String(req.headers.accept ?? "*/*");
  const acceptsJson = /application\/json|\*\/\*|application\/\*/.test(accept);
  const acceptsSse = accept.includes("text/event-stream");
  if (!acceptsJson && !acceptsSse) {
    return sendJson(res, 406, jsonRpcError(null, -32600, "Not Acceptable: Accept must include application/json or text/event-stream"));
  }
  if (!String(req.headers["content-type"] ?? "").includes("application/json")) {
    return sendJson(res, 415, jsonRpcError(null, -32600, "Unsupported Media Type: Content-Type must be application/json"));
  }

  let messages: JSONRPCMessage[];
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString("utf8"));
    messages = (Array.isArray(parsed) ? parsed : [parsed]) as JSONRPCMessage[];
  } catch (error) {
    // The rest of the body is not read: the connection closes after the answer.
    if (error instanceof BodyTooLargeError) return sendJson(res, 413, jsonRpcError(null, -32600, `Request body exceeds ${MAX_BODY_BYTES} bytes`), { connection: "close" });
    return sendJson(res, 400, jsonRpcError(null, -32700, "Parse error: body is not valid JSON"));
  }
  if (messages.length === 0 || messages.some((m) => !m || typeof m !== "object" || (m as { jsonrpc?: unknown }).jsonrpc !== "2.0")) {
    return sendJson(res, 400, jsonRpcError(null, -32600, "Invalid Request: expected a JSON-RPC 2.0 message"));
  }
  if (unsupported) {
    // The modern era's error: a dual-era client reads `supported` and retries with one of them.
    const id = messages.length === 1 ? ((messages[0] as { id?: string | number }).id ?? null) : null;
    return sendJson(res, 400, unsupportedVersionError(id, String(version)));
  }
  const idempotencyKey = req.headers["idempotency-key"];
  const newContext = (): CallContext => ({
    principal: auth.principal,
    project: auth.project,
    credential: auth.credential,
    surface: org ? "org" : "project",
    requestId,
    ...(typeof idempotencyKey === "string" ? { idempotencyKeyHeader: idempotencyKey } : {}),
    ...(typeof version === "string" ? { protocolVersion: version } : {}),
  });
  /** The answer's status and headers follow what the handlers marked (403 step-up, 503, 400). */
  const answer = async (status: number, body: unknown, contexts: CallContext[], single: boolean) => {
    const denied = contexts.find((c) => c.insufficientScope);
    const down = contexts.some((c) => c.databaseUnavailable);
    if (down) deps.onDatabaseUnavailable?.("tool_call");
    if (single && contexts.some((c) => c.headerMismatch)) status = 400;
    else if (denied && single) status = 403;
    else if (down && single) status = 503;
    const headers: Record<string, string> = down ? { "retry-after": "5" } : {};
    if (denied) {
      if (auth.principal.kind === "oauth") await deps.onInsufficientScope?.(auth.principal, denied.insufficientScope!);
      headers["www-authenticate"] = bearerChallenge(metadataUrl, { error: "insufficient_scope", scope: denied.insufficientScope!.join(" "), description: "the credential lacks scopes this tool requires" });
    }
    const sessionId = contexts.find((c) => c.sessionId)?.sessionId;
    if (sessionId) headers["mcp-session-id"] = sessionId;
    if (res.headersSent) {
      // Already streaming (a question went out): the answer is the stream's last event.
      res.end(`event: message\ndata: ${stringifyJson(body)}\n\n`);
      return;
    }
    if (!acceptsJson) {
      const events = (Array.isArray(body) ? body : [body]).map((r) => `event: message\ndata: ${stringifyJson(r)}\n\n`).join("");
      res.writeHead(status, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
      res.end(events);
      return;
    }
    sendJson(res, status, body, headers);
  };

  if (modern) return handleModernPost(deps, req, res, parsed, newContext(), (status, body, contexts) => answer(status, body, contexts, true));
  // A modern request (its version in _meta) without the header that must mirror it.
  const meta = (messages[0] as { params?: { _meta?: Record<string, unknown> } }).params?._meta;
  if (version === undefined && messages.length === 1 && typeof meta?.[PROTOCOL_VERSION_META] === "string") {
    return sendJson(res, 400, jsonRpcError((messages[0] as { id?: string | number }).id ?? null, HEADER_MISMATCH, `Header mismatch: the MCP-Protocol-Version header is missing (body says ${meta[PROTOCOL_VERSION_META]})`));
  }

  const requests = messages.filter((m): m is JSONRPCRequest => isRequest(m));
  // Notifications (initialized, cancelled, …) and client responses need no answer in a
  // stateless exchange; nothing of theirs reaches the shared Server (their ids are the
  // client's own, which could name another client's request there).
  if (requests.length === 0) {
    if (messages.every((m) => isJSONRPCNotification(m) || "result" in m || "error" in m)) {
      // Answers to our elicitations are the exception: they go to the call that asked.
      for (const m of messages) {
        if (("result" in m || "error" in m) && ElicitationBroker.isElicitationId(m.id)) await deps.elicitations?.deliver(principalKey(auth.principal), m as { id: string; result?: unknown });
      }
      res.writeHead(202).end();
      return;
    }
    return sendJson(res, 400, jsonRpcError(null, -32600, "Invalid Request"));
  }

  const session = req.headers["mcp-session-id"];
  // A question needs a stream to travel on: one request, answered as SSE, of a client that
  // declared elicitation at initialize (which our session id records).
  const canElicit = !!deps.elicitations && requests.length === 1 && acceptsSse && typeof session === "string" && session.startsWith(ELICITATION_SESSION_PREFIX);
  const stream = () => {
    if (!res.headersSent) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  };
  const contexts: CallContext[] = [];
  const replies = await Promise.all(
    requests.map((request) => {
      const ctx = newContext();
      if (canElicit) {
        const broker = deps.elicitations!;
        ctx.elicit = (params, timeoutMs) =>
          broker.ask(principalKey(auth.principal), (question) => {
            if (res.writableEnded) return;
            stream();
            res.write(`event: message\ndata: ${JSON.stringify(question)}\n\n`);
          }, params, timeoutMs);
      }
      contexts.push(ctx);
      return deps.transport.dispatch(request, { token: "", clientId: auth.principal.keyId ?? "", scopes: auth.principal.scopes ?? [], extra: ctx }, { headers: req.headers });
    }),
  );

  await answer(200, messages.length > 1 ? replies : replies[0], contexts, requests.length === 1);
}

function jsonRpcError(id: string | number | null, code: number, message: string) {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

