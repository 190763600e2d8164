import type { Tool } from "@tengine/db";
import type { ValidateFunction } from "ajv";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { parseBodyEncoding } from "../templates/body-encoding.ts";
import { type CompiledRequestTemplate, compileRequestTemplate } from "../templates/index.ts";
import { authTypeFromDb, type ToolAuth } from "../tools/tool-definition.ts";
import { type McpHeaderParam, mcpHeaderParams } from "../tools/mcp-header-params.ts";
import { compileInputSchema } from "../validation/json-schema.ts";
import type { McpServerRuntime } from "../federation/mcp-server-runtime.ts";

/** What tools/list shows of a tool (MCP `Tool`). */
export type ListedTool = {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** federated tools: what their server declares */
  outputSchema?: Record<string, unknown>;
  icons?: Array<Record<string, unknown>>;
  _meta?: Record<string, unknown>;
};

/** A tool of an external MCP server, as the project shows it: everything the pipeline's steps read. */
export type FederatedToolSource = {
  federation: FederationBinding;
  listed: ListedTool;
  requiredScopes: string[];
  readOnly: boolean;
  requiresApproval: boolean;
};

/** Which server and which of its tools a federated tool calls. */
export type FederationBinding = { server: McpServerRuntime; upstreamName: string };

/** A federated call waits this long for its server's answer. */
export const FEDERATED_TIMEOUT_MS = 30_000;
/** A federated result larger than this (serialized) is cut, like an HTTP tool's response. */
export const FEDERATED_MAX_RESPONSE_BYTES = 256 * 1024;

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
  /** set for a tool of an external MCP server: its kind sends an MCP tools/call */
  readonly federation: FederationBinding | undefined;
  readonly #template: CompiledRequestTemplate | undefined;
  readonly #authSecretEnc: string | null;
  readonly #secretBox: SecretBox | undefined;
  #authSecret: string | undefined;
  #validate: ValidateFunction | undefined;
  #headerParams: McpHeaderParam[] | undefined;
  #validateOutput: ValidateFunction | null | undefined;

  constructor(row: Tool | FederatedToolSource, secretBox?: SecretBox) {
    if ("federation" in row) {
      // Federated: no template or stored upstream secret; the server's connection holds its credentials.
      const { federation, listed } = row;
      this.id = `${federation.server.id}:${federation.upstreamName}`;
      this.name = listed.name;
      this.method = "MCP";
      this.requiredScopes = row.requiredScopes;
      this.requiresApproval = row.requiresApproval;
      this.readOnly = row.readOnly;
      this.authType = "none";
      this.authHeaderName = undefined;
      this.timeoutMs = FEDERATED_TIMEOUT_MS;
      this.maxAttempts = 1;
      this.maxResponseBytes = FEDERATED_MAX_RESPONSE_BYTES;
      this.idempotencyWindowSec = 60;
      this.listed = listed;
      this.federation = federation;
      // No URL; the server's name is the family tool search groups its tools under.
      this.url = "";
      this.tags = [federation.server.name];
      this.updatedAt = 0;
      this.#template = undefined;
      this.#authSecretEnc = null;
      this.#secretBox = undefined;
      return;
    }
    this.federation = undefined;
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
      ...(row.outputSchema ? { outputSchema: row.outputSchema as Record<string, unknown> } : {}),
      ...(Object.keys(annotations).length ? { annotations: { ...annotations, ...(row.title ? { title: row.title } : {}) } } : {}),
    };
    this.url = row.url;
    this.tags = row.tags;
    this.updatedAt = row.updatedAt.getTime();
    this.#template = compileRequestTemplate({
      method: row.method as never,
      url: row.url,
      query: (row.query ?? undefined) as never,
      headers: (row.headers ?? undefined) as never,
      body: (row.body ?? undefined) as never,
      ...(row.bodyEncoding != null ? { bodyEncoding: parseBodyEncoding(row.bodyEncoding) } : {}),
    });
    this.#authSecretEnc = row.authSecretEnc;
    this.#secretBox = secretBox;
  }

  /** The request template of an HTTP tool (a federated tool has none: its kind never asks). */
  get template(): CompiledRequestTemplate {
    if (!this.#template) throw new Error(`tool ${this.name} is federated and has no request template`);
    return this.#template;
  }

  get validate(): ValidateFunction {
    if (!this.#validate) {
      // A federated server's schemas often name their draft (`$schema`: draft-07); the gateway
      // validates them with its 2020-12 validator, and the server validates again.
      const { $schema: _draft, ...undeclared } = this.listed.inputSchema;
      const compiled = compileInputSchema(this.federation ? undeclared : this.listed.inputSchema);
      // Stored schemas were checked at creation; a schema that no longer compiles rejects all input.
      this.#validate = compiled.ok ? compiled.validate : Object.assign(() => false, { errors: [{ instancePath: "", message: compiled.error }] }) as unknown as ValidateFunction;
    }
    return this.#validate;
  }

  /**
   * The validator of the declared outputSchema (null when the tool declares none), compiled on
   * first call like the input validator. A schema that no longer compiles rejects every result.
   */
  get validateOutput(): ValidateFunction | null {
    if (this.#validateOutput === undefined) {
      const schema = this.listed.outputSchema;
      if (!schema) this.#validateOutput = null;
      else {
        const { $schema: _draft, ...undeclared } = schema;
        const compiled = compileInputSchema(this.federation ? undeclared : schema, "outputSchema");
        this.#validateOutput = compiled.ok ? compiled.validate : (Object.assign(() => false, { errors: [{ instancePath: "", message: compiled.error }] }) as unknown as ValidateFunction);
      }
    }
    return this.#validateOutput;
  }

  /** The arguments marked `x-mcp-header` (modern clients mirror them as headers); read once per tool version. */
  get headerParams(): McpHeaderParam[] {
    this.#headerParams ??= mcpHeaderParams(this.listed.inputSchema).params;
    return this.#headerParams;
  }

  get authSecret(): string | undefined {
    if (this.#authSecret === undefined && this.#authSecretEnc) this.#authSecret = this.#secretBox!.decrypt(this.#authSecretEnc, secretAd.toolAuthSecret(this.id));
    return this.#authSecret;
  }
}
