import type { IncomingMessage, ServerResponse } from "node:http";
import { type ClientCredentials, type ClientMetadataFetcher, type GatewayKeys, isOAuthError, OAuthError, type RateLimiter } from "@tengine/core";
import type { Db } from "@tengine/db";
import { BodyTooLargeError, readBody } from "../http/read-body.ts";
import type { Logger } from "../observability/logger.ts";

/** What the OAuth endpoints share; built once in createGateway. */
export type OAuthDeps = {
  db: Db;
  gatewayKeys: GatewayKeys;
  /** PUBLIC_GATEWAY_URL: the issuer, no trailing slash */
  issuer: string;
  /** PUBLIC_DASHBOARD_URL: where the consent page lives */
  dashboardUrl: string;
  limiter: RateLimiter;
  /** dynamic client registrations allowed per client IP and window */
  registrationLimit: { max: number; windowMs: number };
  /** take the client IP from the last X-Forwarded-For hop (behind one trusted proxy) */
  trustProxy: boolean;
  /** fetches Client ID Metadata Documents (SSRF guard, size and time limits) */
  clientMetadata: ClientMetadataFetcher;
  logger: Logger;
  /** clock in milliseconds (tests move it) */
  now?: () => number;
};

/** Token and error answers are never cached (RFC 6749 §5.1). */
export const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/**
 * CORS for the endpoints browser-based MCP clients call directly (metadata, registration,
 * token, revocation). No cookies are involved, so any origin may call them.
 */
export const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-max-age": "600",
};

export function sendOAuthJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...NO_STORE, ...CORS, ...headers });
  res.end(text);
}

/** An OAuthError as RFC 6749 §5.2 JSON; anything else is rethrown to the generic 500 handler. */
export function sendOAuthError(res: ServerResponse, error: unknown, basicAuthUsed = false) {
  if (!isOAuthError(error)) throw error;
  // RFC 6749 §5.2: a failed HTTP Basic authentication answers 401 with a Basic challenge.
  const headers: Record<string, string> = error.status === 401 && basicAuthUsed ? { "www-authenticate": 'Basic realm="tengine"' } : {};
  sendOAuthJson(res, error.status, error.toJSON(), headers);
}

const MAX_FORM_BYTES = 16 * 1024;

/** An `application/x-www-form-urlencoded` body (RFC 6749 §3.2); repeated parameters are refused (§3.1). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (!String(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new OAuthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  let text: string;
  try {
    text = (await readBody(req, MAX_FORM_BYTES)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new OAuthError("invalid_request", `request body exceeds ${MAX_FORM_BYTES} bytes`, 413);
    throw error;
  }
  const form = new URLSearchParams(text);
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) throw new OAuthError("invalid_request", `${name} must not be repeated`);
  }
  return form;
}

/**
 * Client credentials from HTTP Basic (RFC 6749 §2.3.1: form-urlencoded id and secret) or the
 * body; using both at once is refused.
 */
export function clientCredentials(req: IncomingMessage, form: URLSearchParams): ClientCredentials {
  const header = req.headers.authorization;
  const basic = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (header && !basic) throw new OAuthError("invalid_client", "Authorization must be HTTP Basic with the client credentials");
  if (basic) {
    if (form.has("client_secret")) throw new OAuthError("invalid_request", "Use one client authentication method: HTTP Basic or client_secret in the body, not both");
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new OAuthError("invalid_client", "Malformed HTTP Basic client credentials");
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
    } catch {
      throw new OAuthError("invalid_client", "Malformed HTTP Basic client credentials");
    }
    const bodyId = form.get("client_id");
    if (bodyId !== null && bodyId !== clientId) throw new OAuthError("invalid_request", "client_id in the body differs from the HTTP Basic one");
    return { clientId, clientSecret, method: "client_secret_basic" };
  }
  const secret = form.get("client_secret");
  return { clientId: form.get("client_id") ?? undefined, ...(secret !== null ? { clientSecret: secret } : {}), method: secret !== null ? "client_secret_post" : "none" };
}

/** The caller's IP for rate limits: the socket peer, or the last X-Forwarded-For hop behind a trusted proxy. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const last = forwarded[forwarded.length - 1];
    if (last) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}
