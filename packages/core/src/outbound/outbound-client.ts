import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { Agent, buildConnector, type Dispatcher, fetch as undiciFetch } from "undici";
import { backoffDelay, honoursRetryAfter, isRetryableStatus, parseRetryAfter } from "./retry-policy.ts";
import { checkUpstreamUrl, forbiddenAddressReason, isAllowlisted, type UpstreamAllowlist } from "./ssrf-guard.ts";

/** A fully rendered upstream request (identity, idempotency and auth headers already added). */
export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Text or bytes; a signature's `Content-Digest` covers exactly these bytes. */
  body?: string | Uint8Array;
}

export interface SendOptions {
  /** Per attempt: connect, headers and body together. */
  timeoutMs: number;
  /** Including the first; at least 1. */
  maxAttempts: number;
  /** Bytes of response body kept; the rest is discarded and `truncated` set. */
  maxResponseBytes: number;
  allowHttp: boolean;
  allowedHosts?: string[];
  /**
   * Extra headers per attempt — RFC 9421 signatures carry a nonce and `created`, so each
   * attempt is signed afresh (DESIGN §9).
   */
  sign?: (request: OutboundRequest) => Record<string, string>;
  /** Waits between attempts; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface AttemptLogEntry {
  status?: number;
  /** A fixed description (never header values or bodies). */
  error?: string;
  ms: number;
}

interface SendTotals {
  attempts: number;
  /** Sum of attempt durations, without the waits between them. */
  upstreamMs: number;
  attemptLog: AttemptLogEntry[];
}

export interface SendSuccess extends SendTotals {
  ok: true;
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

/**
 * - `blocked`: the SSRF guard or policy refused (scheme, host allow-list, forbidden address).
 * - `timeout`: the last attempt timed out.
 * - `network`: connection-level failure (refused, reset, DNS, TLS).
 * - `invalid_url`: not an absolute http(s) URL, or one with credentials.
 */
export type SendFailureKind = "blocked" | "timeout" | "network" | "invalid_url";

export interface SendFailure extends SendTotals {
  ok: false;
  kind: SendFailureKind;
  /** Safe to show and store: never carries header values. */
  message: string;
}

export type SendResult = SendSuccess | SendFailure;

export interface OutboundClient {
  send(request: OutboundRequest, options: SendOptions): Promise<SendResult>;
  /**
   * `fetch` through the same guarded pool, for protocol clients that drive their own requests
   * (a federated MCP server's Streamable HTTP transport). The caller checks the URL with
   * `checkUpstreamUrl` first; the pool checks every resolved address.
   */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  /** Closes pooled connections; in-flight requests finish first. */
  close(): Promise<void>;
}

export interface OutboundClientOptions {
  /** Lift the SSRF address checks (`ALLOW_PRIVATE_UPSTREAMS`; development and tests only). */
  allowPrivate: boolean;
  /** `host:port` pairs exempt from the address checks (`UPSTREAM_ALLOWLIST`), see `parseUpstreamAllowlist`. */
  allowlist?: UpstreamAllowlist;
  /** Max connections per origin. */
  connections?: number;
}

/** Error code of a connection refused by the SSRF guard. */
export const SSRF_ERROR_CODE = "ESSRF";

function ssrfError(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: SSRF_ERROR_CODE });
}

/**
 * A `dns.lookup` that resolves every address and refuses the connection when any is forbidden.
 * The check runs inside the connection attempt, on the addresses the socket will use, so a
 * DNS-rebinding answer that changes between a check and the connect cannot slip through.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, "");
        return;
      }
      if (!allowPrivate) {
        for (const { address } of addresses) {
          const reason = forbiddenAddressReason(address);
          if (reason !== undefined) {
            callback(ssrfError(`host ${hostname} resolves to ${address}, which is ${reason}`), "");
            return;
          }
        }
      }
      if (options.all) {
        callback(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first) {
        callback(Object.assign(new Error(`no addresses for ${hostname}`), { code: "ENOTFOUND" }), "");
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The one HTTP client for upstream calls (DESIGN §7 step 10): a shared keep-alive pool whose
 * connections pass the SSRF guard after DNS resolution. Redirects are never followed — a 3xx is
 * returned as the response — so a redirect cannot lead past the guard.
 */
export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const { allowPrivate, allowlist } = options;
  const baseConnect = buildConnector({ lookup: guardedLookup(allowPrivate) });
  // Allowlisted host:port pairs connect without the address checks; only built when needed.
  const allowlistedConnect = allowlist && allowlist.size > 0 ? buildConnector({}) : undefined;
  // IP-literal hosts skip DNS (and so the lookup above); check them here too, so the pool
  // itself never reaches a forbidden address whoever calls it.
  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname.replace(/^\[(.*)\]$/, "$1");
    if (allowlistedConnect && isAllowlisted(allowlist, host, opts.port, opts.protocol)) {
      allowlistedConnect(opts, callback);
      return;
    }
    if (!allowPrivate && isIP(host) !== 0) {
      const reason = forbiddenAddressReason(host);
      if (reason !== undefined) {
        callback(ssrfError(`address ${host} is ${reason}`), null);
        return;
      }
    }
    baseConnect(opts, callback);
  };
  const agent = new Agent({
    connect,
    connections: options.connections ?? 128,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
  });

  return {
    send: (request, sendOptions) => send(agent, { allowPrivate, ...(allowlist ? { allowlist } : {}) }, request, sendOptions),
    // Redirects are not followed here either: a 3xx is the answer.
    fetch: (url, init) => undiciFetch(url, { ...(init as object), redirect: "manual", dispatcher: agent }) as unknown as Promise<Response>,
    close: () => agent.close(),
  };
}

type AttemptOutcome =
  | { type: "response"; status: number; headers: Record<string, string>; body: Buffer; truncated: boolean }
  | { type: "error"; kind: "blocked" | "timeout" | "network"; message: string; retryable: boolean };

async function send(
  agent: Agent,
  guard: { allowPrivate: boolean; allowlist?: UpstreamAllowlist },
  request: OutboundRequest,
  options: SendOptions,
): Promise<SendResult> {
  const attemptLog: AttemptLogEntry[] = [];
  let upstreamMs = 0;
  const totals = (): SendTotals => ({ attempts: attemptLog.length, upstreamMs, attemptLog });

  const checked = checkUpstreamUrl(request.url, {
    allowHttp: options.allowHttp,
    ...guard,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
  });
  if (!checked.ok) return { ok: false, kind: checked.kind, message: checked.reason, ...totals() };

  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= maxAttempts;
    // Same caller headers (Idempotency-Key included) on every attempt; signatures are fresh.
    const extra = options.sign ? options.sign({ ...request, headers: { ...request.headers } }) : {};
    const headers = { ...request.headers, ...extra };

    const started = performance.now();
    const outcome = await attemptOnce(agent, checked.url, request, headers, options, last);
    const ms = Math.round(performance.now() - started);
    upstreamMs += ms;

    if (outcome.type === "response") {
      attemptLog.push({ status: outcome.status, ms });
      if (!last && isRetryableStatus(outcome.status)) {
        const retryAfter = honoursRetryAfter(outcome.status)
          ? parseRetryAfter(outcome.headers["retry-after"])
          : undefined;
        await sleep(retryAfter ?? backoffDelay(attempt));
        continue;
      }
      const { type: _type, ...response } = outcome;
      return { ok: true, ...response, ...totals() };
    }

    attemptLog.push({ error: outcome.message, ms });
    if (!last && outcome.retryable) {
      await sleep(backoffDelay(attempt));
      continue;
    }
    return { ok: false, kind: outcome.kind, message: outcome.message, ...totals() };
  }
}

/** Bytes of a response about to be retried that are read (and dropped) so its socket can be reused. */
const DRAIN_BEFORE_RETRY_BYTES = 64 * 1024;

/**
 * One attempt, on undici's dispatch API: the response body is collected straight from the
 * socket's chunks into a capped buffer. (`Agent.request` wraps every response in a Readable
 * stream read through an async iterator, which cost more CPU per call than the rest of this
 * step.) One timer covers connect, headers and body; on expiry the request is aborted.
 */
function attemptOnce(agent: Agent, url: URL, request: OutboundRequest, headers: Record<string, string>, options: SendOptions, last: boolean): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let controller: Dispatcher.DispatchController | undefined;
    let timedOut = false;
    let settled = false;
    let status = 0;
    let responseHeaders: Record<string, string> = {};
    // About to retry this status: its body is not needed, only drained a little for the socket.
    let dropBody = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const max = options.maxResponseBytes;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const response = (truncated: boolean): AttemptOutcome => ({ type: "response", status, headers: responseHeaders, body: dropBody ? Buffer.alloc(0) : Buffer.concat(chunks, size), truncated });
    const timer = setTimeout(() => {
      timedOut = true;
      controller?.abort(new Error("upstream timeout"));
      finish(classifyError(undefined, true, options.timeoutMs));
    }, options.timeoutMs);

    agent.dispatch(
      { origin: url.origin, path: `${url.pathname}${url.search}`, method: request.method as Dispatcher.HttpMethod, headers, body: request.body ?? null },
      {
        onRequestStart(c) {
          controller = c;
          if (timedOut) c.abort(new Error("upstream timeout"));
        },
        onResponseStart(_c, statusCode, raw) {
          status = statusCode;
          responseHeaders = flattenHeaders(raw as Record<string, string | string[] | undefined>);
          dropBody = !last && isRetryableStatus(statusCode);
        },
        onResponseData(c, chunk) {
          if (settled) return;
          if (dropBody) {
            size += chunk.length;
            // Too much to drain: give the socket up, the retry gets another.
            if (size > DRAIN_BEFORE_RETRY_BYTES) {
              finish(response(false));
              c.abort(new Error("response dropped"));
            }
            return;
          }
          if (size + chunk.length > max) {
            // Over the cap: keep what fits and close the connection instead of reading on.
            chunks.push(chunk.subarray(0, max - size));
            size = max;
            finish(response(true));
            c.abort(new Error("response truncated"));
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        },
        onResponseEnd() {
          finish(response(false));
        },
        onResponseError(_c, error) {
          finish(classifyError(error, timedOut, options.timeoutMs));
        },
      },
    );
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Codes after which the same request may well succeed. */
const RETRYABLE_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by upstream",
  EPIPE: "connection closed while sending",
  ECONNABORTED: "connection aborted",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EAI_AGAIN: "DNS lookup failed temporarily",
  UND_ERR_SOCKET: "socket closed by upstream",
  UND_ERR_CLOSED: "connection closed",
};
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
const PERMANENT_CODES: Record<string, string> = {
  ENOTFOUND: "host not found",
  UND_ERR_INVALID_ARG: "invalid request",
  UND_ERR_NOT_SUPPORTED: "unsupported request",
};

/** Error codes along the `cause` chain (undici and Node wrap errors). */
function codesOf(error: unknown): { code?: string; message?: string }[] {
  const found: { code?: string; message?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    found.push({
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(typeof e.message === "string" ? { message: e.message } : {}),
    });
    // AggregateError from happy-eyeballs connects carries one error per address.
    if (Array.isArray(e.errors)) found.push(...e.errors.flatMap((inner) => codesOf(inner)));
    current = e.cause;
  }
  return found;
}

/**
 * Turns a thrown error into a safe, fixed message. Messages come from our own table (or, for
 * SSRF refusals, from our own error) — never from arbitrary error text, which could echo
 * request details.
 */
function classifyError(error: unknown, timedOut: boolean, timeoutMs: number): AttemptOutcome {
  const entries = codesOf(error);
  const ssrf = entries.find((e) => e.code === SSRF_ERROR_CODE);
  if (ssrf) return { type: "error", kind: "blocked", message: ssrf.message ?? "address not allowed", retryable: false };

  const codes = entries.flatMap((e) => (e.code ? [e.code] : []));
  if (timedOut || codes.some((c) => TIMEOUT_CODES.has(c))) {
    return { type: "error", kind: "timeout", message: `timed out after ${timeoutMs} ms`, retryable: true };
  }
  for (const code of codes) {
    const retryable = RETRYABLE_CODES[code];
    if (retryable) return { type: "error", kind: "network", message: `${retryable} (${code})`, retryable: true };
    const permanent = PERMANENT_CODES[code];
    if (permanent) return { type: "error", kind: "network", message: `${permanent} (${code})`, retryable: false };
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
      return { type: "error", kind: "network", message: `TLS error (${code})`, retryable: false };
    }
  }
  const name = error instanceof Error ? error.name : "unknown error";
  return { type: "error", kind: "network", message: `network error (${codes[0] ?? name})`, retryable: false };
}
