import { z } from "zod";

/**
 * A run's `request` column as `describeRequest` wrote it: secrets redacted, body capped, and
 * the signing key id when the request was signed. Read back with this schema, never cast.
 */
export const recordedRequestSchema = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
  bodyTruncated: z.boolean().optional(),
  /** How the body was sent when `body` shows it decoded or described: form, multipart or binary. */
  bodyKind: z.enum(["form", "multipart", "binary"]).optional(),
  signedWith: z.string().optional(),
  /** the external MCP server of a federated call */
  mcpServer: z.string().optional(),
});
export type RecordedRequest = z.infer<typeof recordedRequestSchema>;

/** A run's `response` column as `describeResponse` wrote it. */
export const recordedResponseSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  truncated: z.boolean().optional(),
});
export type RecordedResponse = z.infer<typeof recordedResponseSchema>;

/** The stored request, or null when the column is empty or holds another shape. */
export function readRecordedRequest(value: unknown): RecordedRequest | null {
  const parsed = recordedRequestSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The stored response, or null when the column is empty or holds another shape. */
export function readRecordedResponse(value: unknown): RecordedResponse | null {
  const parsed = recordedResponseSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
