import type { ServerResponse } from "node:http";
import { stringifyJson } from "./raw-json.ts";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = stringifyJson(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** An error body: `{ error, message, requestId }` — never a stack or an internal message. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, requestId: string, headers: Record<string, string> = {}) {
  sendJson(res, status, { error, message, requestId }, headers);
}
