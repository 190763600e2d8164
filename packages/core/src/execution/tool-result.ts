import { z } from "zod";

/** MCP annotations and `_meta` a content block may carry (passed through from federated servers). */
type BlockExtras = { annotations?: Record<string, unknown>; _meta?: Record<string, unknown> };

/**
 * MCP content blocks a tool result carries: text; a binary HTTP response as image, audio or
 * resource; and whatever a federated server answers (embedded text resources, resource links).
 */
export type ContentBlock =
  | ({ type: "text"; text: string } & BlockExtras)
  | ({ type: "image"; data: string; mimeType: string } & BlockExtras)
  | ({ type: "audio"; data: string; mimeType: string } & BlockExtras)
  | ({ type: "resource"; resource: { uri: string; mimeType?: string; blob: string; _meta?: Record<string, unknown> } | { uri: string; mimeType?: string; text: string; _meta?: Record<string, unknown> } } & BlockExtras)
  | ({ type: "resource_link"; uri: string; name: string; title?: string; description?: string; mimeType?: string; size?: number; icons?: unknown[] } & BlockExtras);

/** The MCP `CallToolResult` shape the gateway returns. */
export type ToolResult = {
  content: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
};

/** A tool error the model can read and act on (never a protocol error for bad input). */
export function toolError(message: string): ToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

const meta = z.record(z.string(), z.unknown()).optional();
const extras = { annotations: meta, _meta: meta };

/** A `ToolResult` as stored in a JSON column (idempotency replays): validated on read. */
export const toolResultSchema: z.ZodType<ToolResult> = z.object({
  content: z.array(
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("text"), text: z.string(), ...extras }),
      z.object({ type: z.literal("image"), data: z.string(), mimeType: z.string(), ...extras }),
      z.object({ type: z.literal("audio"), data: z.string(), mimeType: z.string(), ...extras }),
      z.object({
        type: z.literal("resource"),
        resource: z.union([
          z.object({ uri: z.string(), mimeType: z.string().optional(), blob: z.string(), _meta: meta }),
          z.object({ uri: z.string(), mimeType: z.string().optional(), text: z.string(), _meta: meta }),
        ]),
        ...extras,
      }),
      z.object({
        type: z.literal("resource_link"),
        uri: z.string(),
        name: z.string(),
        title: z.string().optional(),
        description: z.string().optional(),
        mimeType: z.string().optional(),
        size: z.number().optional(),
        icons: z.array(z.unknown()).optional(),
        ...extras,
      }),
    ]),
  ),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
