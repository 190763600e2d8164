import { z } from "zod";

/** The MCP `CallToolResult` shape the gateway returns. */
export type ToolResult = {
  content: Array<{ type: "text"; text: string }>;
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
  content: z.array(z.object({ type: z.literal("text"), text: z.string() })),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
