import type { IncomingMessage, ServerResponse } from "node:http";
import { isJSONRPCNotification, isJSONRPCRequest, type JSONRPCMessage, type JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { type AuthDeps, authenticate, bearerChallenge } from "../http/authenticate.ts";
import { BodyTooLargeError, readBody } from "../http/read-body.ts";
import { sendJson } from "../http/respond.ts";
import type { CallContext } from "./call-context.ts";
import type { GatewayTransport } from "./gateway-transport.ts";
import { SUPPORTED_PROTOCOL_VERSIONS } from "./mcp-server.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export type McpEndpointDeps = {
  auth: AuthDeps;
  transport: GatewayTransport;
  publicUrl: string;
};

/**
 * POST {gateway}/mcp and {gateway}/p/{slug}/mcp — MCP Streamable HTTP, stateless, answered
 * as JSON (or as one SSE event when the client accepts only event streams). Order of checks:
 * credential (401), protocol version header (400), media types (406/415), body (413/400).
 */
export async function handleMcpPost(deps: McpEndpointDeps, req: IncomingMessage, res: ServerResponse, slug: string | undefined, requestId: string) {
  const resourcePath = slug === undefined ? "/mcp" : `/p/${slug}/mcp`;
  const metadataUrl = `${deps.publicUrl}/.well-known/oauth-protected-resource${resourcePath}`;

  const auth = await authenticate(deps.auth, req.headers.authorization, slug);
  if (!auth.ok) {
    const challenge = bearerChallenge(metadataUrl, auth.error ? { error: auth.error, description: auth.description } : undefined);
    return sendJson(res, 401, jsonRpcError(null, -32001, `Unauthorized: ${auth.description}`), { "www-authenticate": challenge });
  }

  const version = req.headers["mcp-protocol-version"];
  if (version !== undefined && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(String(version))) {
    return sendJson(res, 400, jsonRpcError(null, -32600, `Unsupported MCP-Protocol-Version: ${version} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`));
  }
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
  try {
    const parsed: unknown = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString("utf8"));
    messages = (Array.isArray(parsed) ? parsed : [parsed]) as JSONRPCMessage[];
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendJson(res, 413, jsonRpcError(null, -32600, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
    return sendJson(res, 400, jsonRpcError(null, -32700, "Parse error: body is not valid JSON"));
  }
  if (messages.length === 0 || messages.some((m) => !m || typeof m !== "object" || (m as { jsonrpc?: unknown }).jsonrpc !== "2.0")) {
    return sendJson(res, 400, jsonRpcError(null, -32600, "Invalid Request: expected a JSON-RPC 2.0 message"));
  }

  const requests = messages.filter((m): m is JSONRPCRequest => isJSONRPCRequest(m));
  // Notifications (initialized, cancelled, …) and client responses need no answer in a
  // stateless exchange; nothing of theirs reaches the shared Server (their ids are the
  // client's own, which could name another client's request there).
  if (requests.length === 0) {
    if (messages.every((m) => isJSONRPCNotification(m) || "result" in m || "error" in m)) {
      res.writeHead(202).end();
      return;
    }
    return sendJson(res, 400, jsonRpcError(null, -32600, "Invalid Request"));
  }

  const idempotencyKey = req.headers["idempotency-key"];
  const contexts: CallContext[] = [];
  const replies = await Promise.all(
    requests.map((request) => {
      const ctx: CallContext = {
        principal: auth.principal,
        project: auth.project,
        requestId,
        ...(typeof idempotencyKey === "string" ? { idempotencyKeyHeader: idempotencyKey } : {}),
      };
      contexts.push(ctx);
      return deps.transport.dispatch(request, { token: "", clientId: auth.principal.keyId ?? "", scopes: auth.principal.scopes ?? [], extra: ctx }, { headers: req.headers });
    }),
  );

  const denied = contexts.find((c) => c.insufficientScope);
  const status = denied && requests.length === 1 ? 403 : 200;
  const headers: Record<string, string> = {};
  if (denied) {
    headers["www-authenticate"] = bearerChallenge(metadataUrl, { error: "insufficient_scope", scope: denied.insufficientScope!.join(" "), description: "the credential lacks scopes this tool requires" });
  }
  const body = messages.length > 1 ? replies : replies[0];
  if (!acceptsJson) {
    const events = (Array.isArray(body) ? body : [body]).map((r) => `event: message\ndata: ${JSON.stringify(r)}\n\n`).join("");
    res.writeHead(status, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
    res.end(events);
    return;
  }
  sendJson(res, status, body, headers);
}

function jsonRpcError(id: string | number | null, code: number, message: string) {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

