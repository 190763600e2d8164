import { Prisma } from "@tengine/db";
import { authTypeToDb, type ToolDefinition } from "./tool-definition.ts";

/**
 * The Tool columns a checked definition sets, shared by create, update and OpenAPI import so
 * the mapping lives in one place. Absent query/headers/body are SQL NULL (Prisma.DbNull:
 * `undefined` would keep an old value on update). Secrets and ids are set by the caller.
 */
export function definitionColumns(def: ToolDefinition) {
  return {
    name: def.name,
    title: def.title ?? null,
    description: def.description,
    enabled: def.enabled,
    inputSchema: def.inputSchema as Prisma.InputJsonObject,
    outputSchema: def.outputSchema === undefined ? Prisma.DbNull : (def.outputSchema as Prisma.InputJsonObject),
    annotations: def.annotations,
    requiredScopes: def.requiredScopes,
    requiresApproval: def.requiresApproval,
    method: def.method,
    url: def.url,
    query: def.query ?? Prisma.DbNull,
    headers: def.headers ?? Prisma.DbNull,
    body: def.body === undefined || def.body === null ? Prisma.DbNull : (def.body as Prisma.InputJsonValue),
    bodyEncoding: def.bodyEncoding === undefined ? Prisma.DbNull : (def.bodyEncoding as Prisma.InputJsonObject),
    authType: authTypeToDb(def.auth.type),
    authConfig: def.auth.type === "header" ? { headerName: def.auth.name } : {},
    timeoutMs: def.timeoutMs,
    maxAttempts: def.maxAttempts,
    maxResponseBytes: def.maxResponseBytes,
    idempotencyWindowSec: def.idempotencyWindowSec,
  };
}
