import type { Tool } from "@tengine/db";
import { parseBodyEncoding } from "../templates/body-encoding.ts";
import { authTypeFromDb } from "./tool-definition.ts";

/**
 * A stored tool as users see it: the definition of DESIGN §6 with ids and timestamps. Secret
 * auth fields are write-only — only whether one is set is shown.
 */
export function toToolView(row: Tool) {
  const authType = authTypeFromDb(row.authType);
  const config = row.authConfig as { headerName?: string };
  return {
    id: row.id,
    name: row.name,
    title: row.title ?? undefined,
    description: row.description,
    enabled: row.enabled,
    inputSchema: row.inputSchema as Record<string, unknown>,
    outputSchema: (row.outputSchema as Record<string, unknown> | null) ?? undefined,
    annotations: row.annotations as Record<string, boolean>,
    requiredScopes: row.requiredScopes,
    requiresApproval: row.requiresApproval,
    method: row.method,
    url: row.url,
    query: (row.query as Record<string, string | string[]> | null) ?? undefined,
    headers: (row.headers as Record<string, string> | null) ?? undefined,
    body: row.body ?? undefined,
    bodyEncoding: row.bodyEncoding === null ? undefined : parseBodyEncoding(row.bodyEncoding),
    auth: { type: authType, ...(config.headerName ? { name: config.headerName } : {}), ...(row.authSecretEnc ? { secretSet: true } : {}) },
    timeoutMs: row.timeoutMs,
    maxAttempts: row.maxAttempts,
    maxResponseBytes: row.maxResponseBytes,
    idempotencyWindowSec: row.idempotencyWindowSec,
    source: row.source,
    importId: row.importId ?? undefined,
    operationId: row.operationId ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export type ToolView = ReturnType<typeof toToolView>;
