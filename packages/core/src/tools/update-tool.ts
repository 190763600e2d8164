import type { Db, Tool } from "@tengine/db";
import { isUniqueViolation, Prisma } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { canonicalJson } from "../idempotency/canonical-json.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { definitionColumns } from "./definition-columns.ts";
import { checkToolDefinition } from "./check-tool-definition.ts";
import { type ToolAuth, authTypeToDb, type ToolDefinitionInput } from "./tool-definition.ts";
import { type ToolView, toToolView } from "./to-tool-view.ts";

export type UpdateToolInput = ToolDefinitionInput & {
  /**
   * Keep the stored upstream secret when the auth type still needs one and the definition
   * gives none (missing or empty token/value). Default true: secrets are write-only, so an
   * editor never has the old value to send back. `false` makes the definition complete on its own.
   */
  keepSecret?: boolean;
};

// Stands in for a kept secret while the definition is checked; never stored or returned.
const KEPT_SECRET_PLACEHOLDER = "stored-secret-kept";

/**
 * Replaces a tool's definition (rename included), validated exactly like createTool. The
 * source (manual/openapi) and ids are kept; the config version moves in the same transaction
 * so every gateway replica serves the new definition from its next call. Returns the tool and
 * the names of the fields that changed (for the audit log; `auth.secret` when a new secret
 * was given — never its value).
 */
export async function updateTool(db: Db, secretBox: SecretBox, projectId: string, toolId: string, input: UpdateToolInput): Promise<{ tool: ToolView; changed: string[]; before: Record<string, unknown>; after: Record<string, unknown> }> {
  const { keepSecret = true, ...definition } = input;
  try {
    const row = await db.$transaction(async (tx) => {
      const existing = await tx.tool.findFirst({ where: { id: toolId, projectId } });
      if (!existing) throw new AppError("not_found", "tool not found");
      const secretField = secretFieldOf(definition.auth?.type);
      const given = secretField ? (definition.auth as Record<string, unknown>)[secretField] : undefined;
      const keep = !!secretField && keepSecret && (given === undefined || given === "") && !!existing.authSecretEnc;
      const def = checkToolDefinition(keep ? { ...definition, auth: { ...definition.auth, [secretField!]: KEPT_SECRET_PLACEHOLDER } as ToolDefinitionInput["auth"] } : definition);
      const secret = keep ? undefined : newSecretOf(def.auth);
      const updated = await tx.tool.update({
        where: { id: existing.id },
        data: {
          ...definitionColumns(def),
          authSecretEnc: keep ? existing.authSecretEnc : secret ? secretBox.encrypt(secret, secretAd.toolAuthSecret(existing.id)) : null,
        },
      });
      await bumpConfigVersion(tx, projectId);
      const changed = changedFields(existing, updated, !keep && !!secret);
      return { updated, changed, ...auditValues(existing, updated, changed) };
    });
    return { tool: toToolView(row.updated), changed: row.changed, before: row.before, after: row.after };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `a tool named "${input.name}" already exists in this project`);
    throw error;
  }
}

const COMPARED = ["name", "title", "description", "enabled", "inputSchema", "annotations", "requiredScopes", "requiresApproval", "method", "url", "query", "headers", "body", "bodyEncoding", "timeoutMs", "maxAttempts", "maxResponseBytes", "idempotencyWindowSec"] as const;

function changedFields(before: Tool, after: Tool, newSecret: boolean): string[] {
  const changed: string[] = COMPARED.filter((field) => canonicalJson(before[field]) !== canonicalJson(after[field]));
  if (before.authType !== after.authType || canonicalJson(before.authConfig) !== canonicalJson(after.authConfig)) changed.push("auth");
  if (newSecret || (before.authSecretEnc !== null && after.authSecretEnc === null)) changed.push("auth.secret");
  return changed;
}

/** A value bigger than this (as JSON) is recorded by its size only: the audit log is not a copy of every schema. */
const MAX_AUDIT_VALUE = 8_000;

/**
 * The changed fields' values before and after, for the audit log. Never a secret: auth as its
 * type and header name, headers by name only (a literal header value may be a credential),
 * `auth.secret` as "replaced"/"removed".
 */
function auditValues(before: Tool, after: Tool, changed: string[]): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const value = (tool: Tool, field: string): unknown => {
    if (field === "auth") return { type: tool.authType, ...((tool.authConfig as { headerName?: string }).headerName ? { headerName: (tool.authConfig as { headerName?: string }).headerName } : {}) };
    if (field === "auth.secret") return tool === before ? (before.authSecretEnc ? "set" : "none") : after.authSecretEnc ? "replaced" : "removed";
    if (field === "headers") return tool.headers && typeof tool.headers === "object" ? Object.keys(tool.headers as object) : null;
    const raw = (tool as Record<string, unknown>)[field] ?? null;
    const size = JSON.stringify(raw)?.length ?? 0;
    return size > MAX_AUDIT_VALUE ? `(${Math.round(size / 1024)} KB, not recorded)` : raw;
  };
  return { before: Object.fromEntries(changed.map((f) => [f, value(before, f)])), after: Object.fromEntries(changed.map((f) => [f, value(after, f)])) };
}

function secretFieldOf(type: string | undefined): "token" | "value" | undefined {
  if (type === "bearer" || type === "bearer+hmac") return "token";
  if (type === "header") return "value";
  return undefined;
}

function newSecretOf(auth: ToolAuth): string | undefined {
  if (auth.type === "bearer" || auth.type === "bearer+hmac") return auth.token;
  if (auth.type === "header") return auth.value;
  return undefined;
}
