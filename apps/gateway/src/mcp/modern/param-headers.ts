import type { IncomingHttpHeaders } from "node:http";
import { argumentAt, headerMatchesArgument, type McpHeaderParam } from "@tengine/core";
import { decodeHeaderValue } from "./request-headers.ts";

/**
 * Checks the `Mcp-Param-{Name}` headers of a modern tools/call against its arguments, for the
 * arguments the tool marks with `x-mcp-header`. An argument that is present (and not null)
 * must have its header, with the same value; an absent one expects none. Returns the problem
 * (answered 400 HeaderMismatch) or undefined.
 */
export function paramHeaderMismatch(params: readonly McpHeaderParam[], args: unknown, headers: IncomingHttpHeaders): string | undefined {
  for (const param of params) {
    const value = argumentAt(args, param.path);
    if (value === undefined || value === null) continue;
    const header = `Mcp-Param-${param.name}`;
    const raw = headers[header.toLowerCase()];
    if (raw === undefined) return `the ${header} header is missing (argument '${param.path.join(".")}' is in the body)`;
    const decoded = decodeHeaderValue(Array.isArray(raw) ? raw.join(", ") : raw);
    if (decoded === undefined) return `the ${header} header is not valid base64-encoded UTF-8`;
    if (!headerMatchesArgument(decoded, value)) return `${header} header value '${decoded}' does not match body value '${String(value)}'`;
  }
  return undefined;
}
