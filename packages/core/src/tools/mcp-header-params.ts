import { isPlainObject } from "../validation/is-plain-object.ts";

/**
 * `x-mcp-header` (MCP 2026-07-28): a tool argument an admin marks in the input schema travels
 * also as an `Mcp-Param-{Name}` HTTP header, so proxies and rate limiters can read it without
 * parsing the body. These are the schema rules of the specification; the gateway checks each
 * call's header against its body.
 */
export const MCP_HEADER_KEYWORD = "x-mcp-header";

export type McpHeaderParam = {
  /** the `{Name}` of `Mcp-Param-{Name}`, as the schema spells it */
  name: string;
  /** the chain of `properties` keys from the schema root to the argument */
  path: string[];
  type: "string" | "integer" | "boolean";
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_TYPES = new Set(["string", "integer", "boolean"]);

/**
 * The arguments of `inputSchema` marked with `x-mcp-header`, and what is wrong with the marks:
 * a name that is empty, not an HTTP token or used twice (case-insensitively); a mark on a
 * non-primitive or `number` argument; a mark not reachable from the root through `properties`
 * alone (inside `items`, `oneOf`, `$ref`, …).
 */
export function mcpHeaderParams(inputSchema: unknown): { params: McpHeaderParam[]; problems: string[] } {
  const params: McpHeaderParam[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const walk = (node: unknown, path: string[], reachable: boolean, where: string) => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, path, false, `${where}/${i}`));
    if (!isPlainObject(node)) return;
    if (MCP_HEADER_KEYWORD in node) {
      const name = node[MCP_HEADER_KEYWORD];
      const at = path.length ? `argument '${path.join(".")}'` : `schema at ${where || "the root"}`;
      if (!reachable || path.length === 0) problems.push(`${MCP_HEADER_KEYWORD} on the ${at} must sit on a property reached from the root through "properties" only (not items, oneOf/anyOf/allOf/not, if/then/else or $ref)`);
      else if (typeof name !== "string" || !TOKEN.test(name)) problems.push(`${MCP_HEADER_KEYWORD} of ${at} must be a non-empty HTTP header name token`);
      else if (seen.has(name.toLowerCase())) problems.push(`${MCP_HEADER_KEYWORD} '${name}' is used twice (names are compared without case)`);
      else if (typeof node.type !== "string" || !HEADER_TYPES.has(node.type)) problems.push(`${MCP_HEADER_KEYWORD} of ${at} needs "type" string, integer or boolean (not ${JSON.stringify(node.type ?? "missing")})`);
      else {
        seen.add(name.toLowerCase());
        params.push({ name, path, type: node.type as McpHeaderParam["type"] });
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === MCP_HEADER_KEYWORD) continue;
      if (key === "properties" && isPlainObject(child) && reachable) {
        for (const [prop, sub] of Object.entries(child)) walk(sub, [...path, prop], true, `${where}/properties/${prop}`);
      } else {
        walk(child, path, false, `${where}/${key}`);
      }
    }
  };
  walk(inputSchema, [], true, "");
  return { params, problems };
}

/** The argument at `path`, or undefined when any step is missing. */
export function argumentAt(args: unknown, path: string[]): unknown {
  let value: unknown = args;
  for (const key of path) {
    if (!isPlainObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

/**
 * Whether a header's (decoded) text stands for the argument: strings exactly, booleans as
 * `true`/`false`, integers compared as numbers (`42.0` is `42`).
 */
export function headerMatchesArgument(header: string, value: unknown): boolean {
  if (typeof value === "string") return header === value;
  if (typeof value === "boolean") return header === String(value);
  if (typeof value === "number") return header.trim() !== "" && Number(header) === value;
  return false;
}
