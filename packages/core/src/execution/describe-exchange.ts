import { capText, redactHeaders, redactString } from "../runs/redact.ts";
import { bodyText, mediaType } from "../outbound/map-response.ts";
import type { BodyView } from "../templates/body-encoding.ts";

const MAX_RECORDED_BODY = 16 * 1024;

/** The rendered request as stored in a run: secrets redacted, body capped. */
export function describeRequest(request: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array; bodyView?: BodyView }, secretValues: readonly string[]) {
  // Form pairs decoded, multipart parts and binary bodies described: readable, never raw bytes.
  const text = request.bodyView?.text ?? (request.body === undefined ? undefined : typeof request.body === "string" ? request.body : Buffer.from(request.body).toString("utf8"));
  const body = text === undefined ? undefined : capText(redactString(text, secretValues), MAX_RECORDED_BODY);
  return {
    method: request.method,
    url: redactString(request.url, secretValues),
    headers: redactHeaders(request.headers, secretValues),
    ...(body ? { body: body.text, bodyTruncated: body.truncated || undefined } : {}),
    ...(request.bodyView ? { bodyKind: request.bodyView.kind } : {}),
  };
}

/** The upstream response as stored in a run: secrets redacted, body capped. */
export function describeResponse(response: { status: number; headers: Record<string, string>; body: Buffer; truncated: boolean }, secretValues: readonly string[]) {
  // Binary bodies are described, not stored: bytes are not text (and Postgres refuses NUL in JSON).
  const type = mediaType(response.headers);
  const text = bodyText(response.body, type)?.replace(/\u0000/g, "\uFFFD") ?? `[binary response: ${type ?? "unknown content type"}, ${response.body.length} bytes]`;
  const body = capText(redactString(text, secretValues), MAX_RECORDED_BODY);
  return {
    status: response.status,
    headers: redactHeaders(pick(response.headers, ["content-type", "content-length", "retry-after", "location", "x-request-id"]), secretValues),
    body: body.text,
    truncated: response.truncated || body.truncated || undefined,
  };
}

function pick(headers: Record<string, string>, names: string[]) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (names.includes(k.toLowerCase())) out[k.toLowerCase()] = v;
  return out;
}
