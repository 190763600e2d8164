import type { ListedTool } from "../runtime/prepared-tool.ts";

export const SEARCH_TOOL = "tengine_search_tools";
export const DESCRIBE_TOOL = "tengine_describe_tools";
export const CALL_TOOL = "tengine_call_tool";
export const SEARCH_LIMIT = { default: 10, max: 50 } as const;
export const DESCRIBE_MAX_NAMES = 20;

/**
 * The three built-ins tools/list shows in search mode instead of the project's tools. Every
 * answer covers only the tools the caller may call; `tengine_call_tool` is a direct call of
 * the named tool (scopes, approval, idempotency, rate limits, a run named after that tool).
 */
export const DISCOVERY_TOOLS: readonly ListedTool[] = [
  {
    name: SEARCH_TOOL,
    title: "Search tools",
    description:
      "Finds this server's tools for a task described in plain words (e.g. \"close an issue on a repository\"). Returns the best matches: name, title, one-line description, family, required scopes and whether it only reads. Then get their input schemas with tengine_describe_tools and call one with tengine_call_tool.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 500, description: "what you want to do, in plain words" },
        family: { type: "string", maxLength: 200, description: "only tools of this family (an API area such as \"issues\"; the family of earlier results)" },
        limit: { type: "integer", minimum: 1, maximum: SEARCH_LIMIT.max, default: SEARCH_LIMIT.default, description: "how many matches (default 10)" },
      },
      required: ["query"],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: DESCRIBE_TOOL,
    title: "Describe tools",
    description: "Gets the full definitions of tools by name (from tengine_search_tools): description, input JSON Schema and annotations, required scopes, family, and whether a call waits for approval.",
    inputSchema: {
      type: "object",
      properties: { names: { type: "array", items: { type: "string", minLength: 1, maxLength: 64 }, minItems: 1, maxItems: DESCRIBE_MAX_NAMES, description: "tool names" } },
      required: ["names"],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: CALL_TOOL,
    title: "Call a tool",
    description:
      "Calls one of this server's tools by name with its arguments, exactly as a direct call: the same scopes, approval, idempotency and rate limits, recorded as a run of that tool. The result is that tool's result.",
    inputSchema: {
      type: "object",
      properties: {
        name: { type: "string", minLength: 1, maxLength: 64, description: "the tool's name" },
        arguments: { type: "object", description: "the tool's arguments, matching its input schema (tengine_describe_tools)" },
        idempotency_key: { type: "string", minLength: 1, maxLength: 255, description: "optional: a retry with the same key is answered once" },
      },
      required: ["name"],
      additionalProperties: false,
    },
    annotations: { openWorldHint: true },
  },
];

export function isDiscoveryTool(name: string): boolean {
  return name === SEARCH_TOOL || name === DESCRIBE_TOOL || name === CALL_TOOL;
}
