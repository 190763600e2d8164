import type { Db } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { canonicalJson } from "../idempotency/canonical-json.ts";
import { type ToolDefinitionInput, toolDefinitionSchema } from "./tool-definition.ts";
import { type ToolView, toToolView } from "./to-tool-view.ts";

/**
 * A stored tool as a definition one can edit and send back to updateTool: the fields of
 * `tools create --file`, without ids, timestamps or provenance. Secrets are write-only, so the
 * auth keeps its type (and header name) only; updateTool keeps the stored secret for it.
 */
export function editableDefinition(tool: ToolView): ToolDefinitionInput {
  const auth = tool.auth.type === "header" ? { type: "header" as const, name: tool.auth.name ?? "", value: "" } : tool.auth.type === "bearer" || tool.auth.type === "bearer+hmac" ? { type: tool.auth.type, token: "" } : { type: tool.auth.type };
  return {
    name: tool.name,
    ...(tool.title !== undefined ? { title: tool.title } : {}),
    description: tool.description,
    enabled: tool.enabled,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
    annotations: tool.annotations,
    requiredScopes: tool.requiredScopes,
    requiresApproval: tool.requiresApproval,
    method: tool.method,
    url: tool.url,
    ...(tool.query !== undefined ? { query: tool.query } : {}),
    ...(tool.headers !== undefined ? { headers: tool.headers } : {}),
    ...(tool.body !== undefined ? { body: tool.body as never } : {}),
    ...(tool.bodyEncoding !== undefined ? { bodyEncoding: tool.bodyEncoding } : {}),
    auth: auth as ToolDefinitionInput["auth"],
    timeoutMs: tool.timeoutMs,
    maxAttempts: tool.maxAttempts,
    maxResponseBytes: tool.maxResponseBytes,
    idempotencyWindowSec: tool.idempotencyWindowSec,
  };
}

export type ToolFieldDiff = { field: string; stored: unknown; file: unknown };

const SECRET_FIELDS = ["token", "value"] as const;
const FIELDS = Object.keys(toolDefinitionSchema.shape) as Array<keyof typeof toolDefinitionSchema.shape>;

/**
 * The fields in which a definition (a file) differs from the stored tool, defaults applied on
 * both sides (a file that leaves `timeoutMs` out means the default). Secret values are never
 * shown: when the file gives one that differs from `storedSecret` (the decrypted stored one,
 * null when none), it is reported as `auth.secret` with both values hidden.
 */
export function diffToolDefinitions(stored: ToolView, file: Record<string, unknown>, storedSecret: string | null): ToolFieldDiff[] {
  const normalize = (def: Record<string, unknown>) => {
    const parsed = toolDefinitionSchema.partial().safeParse(def);
    const out: Record<string, unknown> = parsed.success ? { ...parsed.data } : { ...def };
    for (const field of FIELDS) {
      if (out[field] !== undefined) continue;
      const fallback = toolDefinitionSchema.shape[field].safeParse(undefined);
      if (fallback.success) out[field] = fallback.data;
    }
    const auth = out.auth as Record<string, unknown> | undefined;
    if (auth) out.auth = Object.fromEntries(Object.entries(auth).filter(([k]) => !(SECRET_FIELDS as readonly string[]).includes(k)));
    return out;
  };
  const before = normalize(editableDefinition(stored) as Record<string, unknown>);
  const after = normalize(file);
  const diffs: ToolFieldDiff[] = FIELDS.filter((f) => canonicalJson(before[f] ?? null) !== canonicalJson(after[f] ?? null)).map((f) => ({ field: f, stored: before[f] ?? null, file: after[f] ?? null }));
  const fileAuth = file.auth as Record<string, unknown> | undefined;
  const fileSecret = SECRET_FIELDS.map((k) => fileAuth?.[k]).find((v): v is string => typeof v === "string" && v !== "");
  if (fileSecret !== undefined && fileSecret !== storedSecret) {
    diffs.push({ field: "auth.secret", stored: storedSecret === null ? "(none)" : "(set, hidden)", file: "(different, hidden)" });
  }
  return diffs;
}

/**
 * The stored tool `name` of the project compared with a definition (diffToolDefinitions), its
 * secret decrypted only to compare it; null when the project has no such tool.
 */
export async function diffStoredTool(db: Db, secretBox: SecretBox, projectId: string, name: string, file: Record<string, unknown>) {
  const row = await db.tool.findFirst({ where: { projectId, name } });
  if (!row) return null;
  const secret = row.authSecretEnc ? secretBox.decrypt(row.authSecretEnc, secretAd.toolAuthSecret(row.id)) : null;
  return { name: row.name, fields: diffToolDefinitions(toToolView(row), file, secret) };
}
