import { z } from "zod";

/** MCP content blocks a tool result carries: text, or a binary response as image, audio or resource. */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "audio"; data: string; mimeType: string }
  | { type: "resource"; resource: { uri: string; mimeType: string; blob: string } };

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

/** A `ToolResult` as stored in a JSON column (idempotency replays): validated on read. */
export const toolResultSchema: z.ZodType<ToolResult> = z.object({
  content: z.array(
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("text"), text: z.string() }),
      z.object({ type: z.literal("image"), data: z.string(), mimeType: z.string() }),
      z.object({ type: z.literal("audio"), data: z.string(), mimeType: z.string() }),
      z.object({ type: z.literal("resource"), resource: z.object({ uri: z.string(), mimeType: z.string(), blob: z.string() }) }),
    ]),
  ),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
