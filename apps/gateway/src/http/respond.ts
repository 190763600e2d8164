import type { ServerResponse } from "node:http";
import { jsonChunks } from "./raw-json.ts";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  // One piece, or a pre-serialized part (a large tool list) as its bytes between the text around it.
  const chunks = jsonChunks(body);
  let length = 0;
  for (const chunk of chunks) length += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
  res.writeHead(status, { "content-type": "application/json", "content-length": length, ...headers });
  if (chunks.length > 1) res.cork();
  for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]!);
  res.end(chunks[chunks.length - 1]!);
}

/** An error body: `{ error, message, requestId }` — never a stack or an internal message. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, requestId: string, headers: Record<string, string> = {}) {
  sendJson(res, status, { error, message, requestId }, headers);
}
