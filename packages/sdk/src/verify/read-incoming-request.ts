import type { IncomingMessage } from "node:http";
import { canonicalizeFieldValue } from "../signing/signature-base.ts";

/** A request as `verifyRequest()` accepts it: a Fetch API `Request` or a Node `IncomingMessage`. */
export type VerifiableRequest = Request | IncomingMessage;

export interface ReadRequestOptions {
  /** The body, if your framework already read it (e.g. `express.raw()`). */
  body?: string | Uint8Array;
  /** The absolute URL the gateway called, when the server cannot see it (behind a proxy). */
  url?: string;
  /** Scheme for an `IncomingMessage` target URI when `url` is not given. */
  protocol?: "http" | "https";
}

/** The parts of a received request the verifier needs, independent of the server API. */
export interface IncomingRequestView {
  /** `@method` (RFC 9421 §2.2.1), uppercased as the signer does. */
  method: string;
  /** `@target-uri` (RFC 9421 §2.2.2), or `undefined` if it cannot be reconstructed. */
  targetUri: string | undefined;
  /** A header's canonical value (RFC 9421 §2.1), or `undefined` when absent. */
  header(name: string): string | undefined;
  /** Reads the body; rejects if the stream fails. */
  readBody(): Promise<Uint8Array>;
}

/**
 * Adapts a Fetch `Request` or a Node `IncomingMessage`.
 *
 * @throws TypeError when the body was already consumed and `options.body` was not given: the
 *   digest could not be checked, and that is a wiring mistake, not a bad request.
 */
export function readIncomingRequest(request: VerifiableRequest, options: ReadRequestOptions): IncomingRequestView {
  // Converted up front so a wrongly typed body fails on every request, not only signed ones.
  const body = options.body === undefined ? undefined : toBytes(options.body);
  return isFetchRequest(request) ? fromFetchRequest(request, options, body) : fromIncomingMessage(request, options, body);
}

function isFetchRequest(request: VerifiableRequest): request is Request {
  return typeof (request as Request).headers?.get === "function";
}

function fromFetchRequest(request: Request, options: ReadRequestOptions, body: Uint8Array | undefined): IncomingRequestView {
  if (body === undefined && request.bodyUsed) {
    throw new TypeError("verifyRequest: the Request body was already read; pass it as options.body.");
  }
  return {
    method: request.method.toUpperCase(),
    targetUri: options.url ?? withoutFragment(request.url),
    header(name) {
      const value = request.headers.get(name);
      return value === null ? undefined : canonicalizeFieldValue([value]);
    },
    async readBody() {
      if (body !== undefined) return body;
      if (request.body === null) return new Uint8Array(0);
      // Read a clone so the handler can still call request.json() afterwards.
      return new Uint8Array(await request.clone().arrayBuffer());
    },
  };
}

function fromIncomingMessage(request: IncomingMessage, options: ReadRequestOptions, body: Uint8Array | undefined): IncomingRequestView {
  if (body === undefined && (request.readableDidRead || request.readableEnded)) {
    throw new TypeError(
      "verifyRequest: the request stream was already read (by a body parser?); pass the raw body as options.body, e.g. with express.raw({ type: \"*/*\" }).",
    );
  }
  const header = (name: string): string | undefined => {
    const values = request.headersDistinct?.[name] ?? toArray(request.headers[name]);
    return values === undefined || values.length === 0 ? undefined : canonicalizeFieldValue(values);
  };
  return {
    method: (request.method ?? "").toUpperCase(),
    targetUri: options.url ?? reconstructTargetUri(request, header, options.protocol),
    header,
    async readBody() {
      if (body !== undefined) return body;
      const chunks: Buffer[] = [];
      for await (const chunk of request) {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
      }
      return Buffer.concat(chunks);
    },
  };
}

/**
 * Rebuilds the target URI (RFC 9110 §7.1) from the scheme, the Host header and the
 * request-target. Behind a proxy that rewrites Host or terminates TLS this is not the URL the
 * gateway signed; pass `options.url` there.
 */
function reconstructTargetUri(
  request: IncomingMessage,
  header: (name: string) => string | undefined,
  protocol: "http" | "https" | undefined,
): string | undefined {
  const path = request.url;
  if (path === undefined) return undefined;
  if (/^https?:\/\//i.test(path)) return path; // absolute-form request-target (RFC 9112 §3.2.2)
  const host = header("host") ?? header(":authority");
  if (host === undefined || host === "") return undefined;
  const scheme = protocol ?? ((request.socket as { encrypted?: boolean } | undefined)?.encrypted ? "https" : "http");
  return `${scheme}://${host}${path}`;
}

function withoutFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash === -1 ? url : url.slice(0, hash);
}

function toArray(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function toBytes(body: string | Uint8Array): Uint8Array {
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  // e.g. Express 4's `{}` placeholder when express.raw() saw no body, or a parsed JSON object.
  throw new TypeError("verifyRequest: options.body must be the raw body as a string or Uint8Array/Buffer, not a parsed object.");
}
