import type { OutboundClient, SendFailure } from "../outbound/index.ts";
import { MAX_BINARY_BYTES, type MultipartPart } from "../templates/body-encoding.ts";

/**
 * Fetches the `{ url }` file parts of a multipart body with the upstream client itself, so each
 * fetch passes the same SSRF guard and project host policy as a call: one attempt, no redirects,
 * at most {@link MAX_BINARY_BYTES}. A part that cannot be fetched fails the call before anything
 * is sent upstream (a `blocked` or `invalid_url` failure frees the idempotency key).
 */
export async function fetchFileParts(
  outbound: OutboundClient,
  parts: readonly MultipartPart[],
  policy: { timeoutMs: number; allowHttp: boolean; allowedHosts?: string[] | undefined },
): Promise<{ ok: true; parts: MultipartPart[] } | SendFailure> {
  const out: MultipartPart[] = [];
  for (const part of parts) {
    if (!("file" in part) || "data" in part.file) {
      out.push(part);
      continue;
    }
    const { url, ...meta } = part.file;
    const sent = await outbound.send(
      { method: "GET", url, headers: { accept: "*/*" } },
      {
        timeoutMs: policy.timeoutMs,
        maxAttempts: 1,
        maxResponseBytes: MAX_BINARY_BYTES + 1,
        allowHttp: policy.allowHttp,
        ...(policy.allowedHosts ? { allowedHosts: policy.allowedHosts } : {}),
      },
    );
    const where = `file part "${part.name}" (${url})`;
    if (!sent.ok) return { ...sent, message: `${where}: ${sent.message}` };
    const refuse = (message: string): SendFailure => ({ ok: false, kind: "blocked", message: `${where}: ${message}`, attempts: sent.attempts, upstreamMs: sent.upstreamMs, attemptLog: sent.attemptLog });
    if (sent.status < 200 || sent.status > 299) return refuse(`answered HTTP ${sent.status}`);
    if (sent.truncated || sent.body.length > MAX_BINARY_BYTES) return refuse(`is larger than ${MAX_BINARY_BYTES} bytes`);
    const fetchedType = sent.headers["content-type"]?.split(";")[0]?.trim();
    const filename = meta.filename ?? lastSegment(url) ?? part.name;
    out.push({ name: part.name, file: { data: sent.body, filename, ...(meta.contentType ?? fetchedType ? { contentType: (meta.contentType ?? fetchedType)! } : {}) }, ...(part.headers ? { headers: part.headers } : {}) });
  }
  return { ok: true, parts: out };
}

function lastSegment(url: string): string | undefined {
  const segment = new URL(url).pathname.split("/").pop();
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
