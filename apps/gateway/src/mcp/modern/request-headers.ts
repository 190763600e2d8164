import type { IncomingHttpHeaders } from "node:http";
import { CLIENT_CAPABILITIES_META, PROTOCOL_VERSION_META } from "./protocol.ts";
import { isPlainObject } from "@tengine/core";

/** Methods whose `Mcp-Name` header mirrors `params.name` or `params.uri`. */
const NAMED_METHODS: Record<string, "name" | "uri"> = { "tools/call": "name", "prompts/get": "name", "resources/read": "uri" };
const SENTINEL = /^=\?base64\?(.*)\?=$/;

/**
 * A mirrored header's value as the client meant it: `=?base64?…?=` decoded as UTF-8, anything
 * else as sent. `undefined` for a sentinel whose content is not base64 of UTF-8 text.
 */
export function decodeHeaderValue(raw: string): string | undefined {
  const encoded = SENTINEL.exec(raw);
  if (!encoded) return raw;
  const bytes = Buffer.from(encoded[1]!, "base64");
  // Buffer.from ignores bad input silently; a value that does not round-trip exactly (padding
  // included) was not canonical base64.
  if (bytes.toString("base64") !== encoded[1]) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}


/**
 * What the modern request's `params._meta` lacks (answered 400 Invalid params): every request
 * declares its protocol version and the client's capabilities there, instead of at initialize.
 */
export function missingRequestMeta(params: unknown): string | undefined {
  if (!isPlainObject(params) || !isPlainObject(params._meta)) return "params._meta is required (it carries the protocol version and the client's capabilities)";
  if (typeof params._meta[PROTOCOL_VERSION_META] !== "string") return `params._meta["${PROTOCOL_VERSION_META}"] is required`;
  if (!isPlainObject(params._meta[CLIENT_CAPABILITIES_META])) return `params._meta["${CLIENT_CAPABILITIES_META}"] is required (an empty object when the client declares none)`;
  return undefined;
}

/**
 * Checks the headers a modern request must carry against its body: `MCP-Protocol-Version`
 * against `_meta`'s version, `Mcp-Method` against `method`, `Mcp-Name` against the name or
 * URI. Returns the problem (answered 400 HeaderMismatch), or undefined when they agree, so a
 * proxy routing on the headers and the gateway acting on the body see the same request.
 * Call after missingRequestMeta found the body's `_meta` complete.
 */
export function headerMismatch(headers: IncomingHttpHeaders, method: string, params: Record<string, unknown> | undefined): string | undefined {
  const version = single(headers, "mcp-protocol-version");
  const bodyVersion = (params?._meta as Record<string, unknown>)[PROTOCOL_VERSION_META];
  if (bodyVersion !== version) return `MCP-Protocol-Version header value '${version}' does not match body value '${String(bodyVersion)}'`;
  const methodHeader = single(headers, "mcp-method");
  if (methodHeader === undefined) return "the Mcp-Method header is missing";
  if (methodHeader !== method) return `Mcp-Method header value '${methodHeader}' does not match body value '${method}'`;
  const field = NAMED_METHODS[method];
  if (field) {
    const rawName = single(headers, "mcp-name");
    if (rawName === undefined) return "the Mcp-Name header is missing";
    const name = decodeHeaderValue(rawName);
    if (name === undefined) return "the Mcp-Name header is not valid base64-encoded UTF-8";
    const bodyName = params?.[field];
    if (name !== bodyName) return `Mcp-Name header value '${rawName}' does not match body value '${String(bodyName)}'`;
  }
  return undefined;
}
