import { isJSONRPCRequest, type JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { isPlainObject } from "@tengine/core";

const REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params"]);

/**
 * A JSON-RPC request, as the SDK's schema defines one. The common shape (version, a string or
 * integer id, a method, object params, no other member) is checked by hand on every message;
 * anything else is left to the SDK's zod schema, so nothing it accepts is refused here.
 */
export function isRequest(message: unknown): message is JSONRPCRequest {
  if (isPlainObject(message) && message.jsonrpc === "2.0" && typeof message.method === "string" && (typeof message.id === "string" || Number.isInteger(message.id)) && (message.params === undefined || isPlainObject(message.params))) {
    let plain = true;
    for (const key in message) if (!REQUEST_KEYS.has(key)) plain = false;
    if (plain) return true;
  }
  return isJSONRPCRequest(message);
}
