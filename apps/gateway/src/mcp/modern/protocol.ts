import { SUPPORTED_PROTOCOL_VERSIONS } from "../protocol-versions.ts";

/**
 * The modern MCP era (2026-07-28): no initialize, every request carries its version and the
 * client's capabilities in `_meta`, and HTTP headers mirror the body for intermediaries.
 */
export const MODERN_PROTOCOL_VERSIONS = ["2026-07-28"] as const;
export const MODERN_PROTOCOL_VERSION = MODERN_PROTOCOL_VERSIONS[0];
/** Every revision this gateway serves, newest first (server/discover, unsupported-version errors). */
export const ALL_PROTOCOL_VERSIONS: readonly string[] = [...MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS];

export const PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";
export const CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities";
export const SERVER_INFO_META = "io.modelcontextprotocol/serverInfo";
export const SUBSCRIPTION_ID_META = "io.modelcontextprotocol/subscriptionId";

/** The specification's error codes of the modern era (JSON-RPC, answered with HTTP 400). */
export const HEADER_MISMATCH = -32020;
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;

export const SERVER_INFO = { name: "tengine", version: "0.1.0" };

export function isModernVersion(version: string): boolean {
  return (MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(version);
}

/** The `UnsupportedProtocolVersionError` body: lists what the client may retry with. */
export function unsupportedVersionError(id: string | number | null, requested: string) {
  return { jsonrpc: "2.0", id, error: { code: UNSUPPORTED_PROTOCOL_VERSION, message: `Unsupported protocol version: ${requested} (supported: ${ALL_PROTOCOL_VERSIONS.join(", ")})`, data: { supported: ALL_PROTOCOL_VERSIONS, requested } } };
}
