import { createOutboundClient, type OutboundClient } from "../outbound/index.ts";
import { checkUpstreamUrl, type UpstreamAllowlist } from "../outbound/ssrf-guard.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";
import { MAX_DOCUMENT_BYTES } from "./parse-openapi-document.ts";

export type FetchOpenApiDocumentOptions = {
  /** Lift the SSRF address checks (`ALLOW_PRIVATE_UPSTREAMS`; development and tests only). */
  allowPrivate: boolean;
  /** `host:port` pairs exempt from the address checks (`UPSTREAM_ALLOWLIST`). */
  allowlist?: UpstreamAllowlist;
  /** Allow plain `http:` (projects that allow http upstreams; development). Default false. */
  allowHttp?: boolean;
  /** Default 20 MB. */
  maxBytes?: number;
  /** For the whole download, per request. Default 15 s. */
  timeoutMs?: number;
  /** Reuse a client (its `allowPrivate` then applies); by default one is made and closed. */
  outbound?: OutboundClient;
};

const MAX_REDIRECTS = 5;

/**
 * Downloads an OpenAPI document for the dashboard's and the CLI's "import from URL", through
 * the same SSRF-guarded client as tool calls (DESIGN §6): https only (unless allowed), no
 * private, loopback or metadata addresses — checked after DNS resolution and again for every
 * redirect, which is followed by hand (at most 5). The body is capped (20 MB) and the request
 * times out (15 s).
 *
 * @returns the text and the final URL (relative server URLs in the document resolve against it)
 * @throws {OpenApiImportError} with a message fit to show (never response content)
 */
export async function fetchOpenApiDocument(url: string, options: FetchOpenApiDocumentOptions): Promise<{ text: string; url: string; contentType?: string }> {
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  const client = options.outbound ?? createOutboundClient({ allowPrivate: options.allowPrivate, ...(options.allowlist ? { allowlist: options.allowlist } : {}), connections: 2 });
  try {
    let current = url.trim();
    for (let redirects = 0; ; redirects++) {
      const checked = checkUpstreamUrl(current, { allowHttp: options.allowHttp ?? false, allowPrivate: options.allowPrivate, ...(options.allowlist ? { allowlist: options.allowlist } : {}) });
      if (!checked.ok) throw new OpenApiImportError(`cannot fetch ${current}: ${checked.reason}`);
      const result = await client.send(
        { method: "GET", url: checked.url.href, headers: { accept: "application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5", "user-agent": "Tengine OpenAPI import" } },
        { timeoutMs: options.timeoutMs ?? 15_000, maxAttempts: 1, maxResponseBytes: maxBytes + 1, allowHttp: options.allowHttp ?? false },
      );
      if (!result.ok) throw new OpenApiImportError(`cannot fetch ${current}: ${result.message}`);
      if (result.status >= 300 && result.status < 400 && result.headers.location) {
        if (redirects >= MAX_REDIRECTS) throw new OpenApiImportError(`cannot fetch ${url}: more than ${MAX_REDIRECTS} redirects`);
        current = new URL(result.headers.location, checked.url).href;
        continue;
      }
      if (result.status < 200 || result.status >= 300) throw new OpenApiImportError(`cannot fetch ${current}: the server answered HTTP ${result.status}`);
      if (result.truncated || result.body.length > maxBytes) throw new OpenApiImportError(`the document at ${current} is larger than ${Math.round(maxBytes / (1024 * 1024))} MB`);
      const contentType = result.headers["content-type"];
      return { text: result.body.toString("utf8"), url: checked.url.href, ...(contentType ? { contentType } : {}) };
    }
  } finally {
    if (!options.outbound) await client.close();
  }
}
