import type { FieldProblem } from "../errors/app-error.ts";
import { z } from "zod";
import { bodyEncodingSchema } from "../templates/body-encoding.ts";

/**
 * A tool as an admin defines it (DESIGN §6) — the JSON of `tengine tools create --file`, the
 * dashboard's editor, and the seed. Secrets (bearer token, header value) are write-only: they
 * are encrypted on the way in and never returned.
 */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

const authSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("bearer"), token: z.string().min(8, "auth.token must be at least 8 characters") }),
  z.object({
    type: z.literal("header"),
    name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "auth.name must be an HTTP header name"),
    value: z.string().min(8, "auth.value must be at least 8 characters"),
  }),
  z.object({ type: z.literal("hmac") }),
  z.object({ type: z.literal("bearer+hmac"), token: z.string().min(8, "auth.token must be at least 8 characters") }),
]);

export const toolDefinitionSchema = z.object({
  name: z.string().regex(TOOL_NAME_PATTERN, "name must be 1 to 64 letters, digits, dots, dashes or underscores (no spaces)"),
  title: z.string().max(200).optional(),
  description: z.string().trim().min(1, "description is required").max(10_000),
  enabled: z.boolean().default(true),
  inputSchema: z.record(z.string(), z.unknown()),
  /** JSON Schema (type object) of the structured result: listed to clients, and checked on every call */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z
    .object({
      readOnlyHint: z.boolean().optional(),
      destructiveHint: z.boolean().optional(),
      idempotentHint: z.boolean().optional(),
      openWorldHint: z.boolean().optional(),
    })
    .strict()
    .default({}),
  requiredScopes: z.array(z.string()).default([]),
  requiresApproval: z.boolean().default(false),
  method: z.string().transform((m) => m.toUpperCase()).pipe(z.enum(HTTP_METHODS)),
  url: z.string().min(1),
  query: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.json().optional(),
  /** How the body is sent: JSON when absent; form, multipart, binary (base64) or text. */
  bodyEncoding: bodyEncodingSchema.optional(),
  auth: authSchema.default({ type: "none" }),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  maxAttempts: z.number().int().min(1).max(5).default(3),
  maxResponseBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
  idempotencyWindowSec: z.number().int().min(0).max(86_400).default(60),
})
  // A misspelt field (timeoutMS) must be an error, not silently ignored.
  .strict();

export type ToolDefinitionInput = z.input<typeof toolDefinitionSchema>;
export type ToolDefinition = z.output<typeof toolDefinitionSchema>;
export type ToolAuth = ToolDefinition["auth"];

/** Prisma enum value ↔ the definition's auth type. */
export function authTypeToDb(type: ToolAuth["type"]) {
  return type === "bearer+hmac" ? ("bearer_hmac" as const) : type;
}
export function authTypeFromDb(type: string): ToolAuth["type"] {
  return type === "bearer_hmac" ? "bearer+hmac" : (type as ToolAuth["type"]);
}

/** Each issue of a failed parse at its dotted path (`(root)` for the object itself). */
export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message }));
}
