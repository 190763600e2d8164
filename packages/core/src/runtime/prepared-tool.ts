import type { Tool } from "@tengine/db";
import type { ValidateFunction } from "ajv";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { parseBodyEncoding } from "../templates/body-encoding.ts";
import { type CompiledRequestTemplate, compileRequestTemplate } from "../templates/index.ts";
import { authTypeFromDb, type ToolAuth } from "../tools/tool-definition.ts";
import { compileInputSchema } from "../validation/json-schema.ts";

/** What tools/list shows of a tool (MCP `Tool`). */
export type ListedTool = {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
};

/**
 * A tool ready for the hot path: its template parsed and its upstream secret decrypted once
 * per tool version. The ajv validator is compiled on first call, not at load, so loading a
 * project with a thousand tools for tools/list stays cheap.
 */
export class PreparedTool {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly requiredScopes: string[];
  readonly requiresApproval: boolean;
  readonly readOnly: boolean;
  readonly authType: ToolAuth["type"];
  readonly authHeaderName: string | undefined;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly maxResponseBytes: number;
  readonly idempotencyWindowSec: number;
  readonly listed: ListedTool;
  /** the URL template as stored, and the OpenAPI tags (tool search and families) */
  readonly url: string;
  readonly tags: string[];
  /** when the tool row last changed (ms): tool search rebuilds its index when this moves */
  readonly updatedAt: number;
  readonly template: CompiledRequestTemplate;
  readonly #authSecretEnc: string | null;
  readonly #secretBox: SecretBox;
  #authSecret: string | undefined;
  #validate: ValidateFunction | undefined;

  constructor(row: Tool, secretBox: SecretBox) {
    this.id = row.id;
    this.name = row.name;
    this.method = row.method;
    this.requiredScopes = row.requiredScopes;
    this.requiresApproval = row.requiresApproval;
    const annotations = (row.annotations ?? {}) as Record<string, unknown>;
    this.readOnly = annotations.readOnlyHint === true;
    this.authType = authTypeFromDb(row.authType);
    this.authHeaderName = (row.authConfig as { headerName?: string }).headerName;
    this.timeoutMs = row.timeoutMs;
    this.maxAttempts = row.maxAttempts;
    this.maxResponseBytes = row.maxResponseBytes;
    this.idempotencyWindowSec = row.idempotencyWindowSec;
    this.listed = {
      name: row.name,
      ...(row.title ? { title: row.title } : {}),
      description: row.description,
      inputSchema: row.inputSchema as Record<string, unknown>,
      ...(Object.keys(annotations).length ? { annotations: { ...annotations, ...(row.title ? { title: row.title } : {}) } } : {}),
    };
    this.url = row.url;
    this.tags = row.tags;
    this.updatedAt = row.updatedAt.getTime();
    this.template = compileRequestTemplate({
      method: row.method as never,
      url: row.url,
      query: (row.query ?? undefined) as never,
      headers: (row.headers ?? undefined) as never,
      body: (row.body ?? undefined) as never,
      ...(row.bodyEncoding !== null ? { bodyEncoding: parseBodyEncoding(row.bodyEncoding) } : {}),
    });
    this.#authSecretEnc = row.authSecretEnc;
    this.#secretBox = secretBox;
  }

  get validate(): ValidateFunction {
    if (!this.#validate) {
      const compiled = compileInputSchema(this.listed.inputSchema);
      // Stored schemas were checked at creation; a schema that no longer compiles rejects all input.
      this.#validate = compiled.ok ? compiled.validate : Object.assign(() => false, { errors: [{ instancePath: "", message: compiled.error }] }) as unknown as ValidateFunction;
    }
    return this.#validate;
  }

  get authSecret(): string | undefined {
    if (this.#authSecret === undefined && this.#authSecretEnc) this.#authSecret = this.#secretBox.decrypt(this.#authSecretEnc, secretAd.toolAuthSecret(this.id));
    return this.#authSecret;
  }
}
