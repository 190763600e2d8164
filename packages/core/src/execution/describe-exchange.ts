import { capText, redactDeep, redactHeaders, redactString } from "../runs/redact.ts";

const MAX_RECORDED_BODY = 16 * 1024;

/** The rendered request as stored in a run: secrets redacted, body capped. */
export function describeRequest(request: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array; bodyView?: unknown }, secretValues: readonly string[]) {
  const text = request.bodyView !== undefined || request.body === undefined ? undefined : typeof request.body === "string" ? request.body : Buffer.from(request.body).toString("utf8");
  const body = text === undefined ? undefined : capText(redactString(text, secretValues), MAX_RECORDED_BODY);
  return {
    method: request.method,
    url: redactString(request.url, secretValues),
    headers: redactHeaders(request.headers, secretValues),
    ...(body ? { body: body.text, bodyTruncated: body.truncated || undefined } : {}),
    // Form pairs decoded, multipart parts and binary bodies described: readable, never raw bytes.
    ...(request.bodyView !== undefined ? { body: redactDeep(request.bodyView, secretValues) } : {}),
  };
}

/** The upstream response as stored in a run: secrets redacted, body capped. */
export function describeResponse(response: { status: number; headers: Record<string, string>; body: Buffer; truncated: boolean }, secretValues: readonly string[]) {
  const body = capText(redactString(response.body.toString("utf8"), secretValues), MAX_RECORDED_BODY);
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
