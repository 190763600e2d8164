import type { BodyEncoding, BodyView, MultipartPart } from "./body-encoding.ts";

/** Any JSON value, as a tool's body template is stored. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The methods a tool may use (DESIGN §6). */
export const TEMPLATE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export type TemplateMethod = (typeof TEMPLATE_METHODS)[number];

/** A tool's request template as the admin wrote it: data with `{{ns.path}}` placeholders. */
export interface RequestTemplate {
  method: string;
  url: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: JsonValue;
  /** How the body is sent; JSON when absent. */
  bodyEncoding?: BodyEncoding;
}

/** A reference to one variable, resolved at render time. */
export type VariableRef =
  | { ns: "input"; path: readonly string[]; raw: string }
  | { ns: "member"; field: "id" | "email" | "name"; raw: string }
  | { ns: "project"; field: "id"; raw: string }
  | { ns: "run"; field: "id"; raw: string }
  | { ns: "secrets"; name: string; raw: string };

export type TemplatePart = { kind: "text"; text: string } | { kind: "var"; ref: VariableRef };

/**
 * One parsed template string. `whole` is set when the string is exactly one placeholder, so
 * the typed value can be used (JSON body) or the entry omitted when the value is absent.
 */
export interface CompiledString {
  readonly parts: readonly TemplatePart[];
  readonly whole?: VariableRef;
}

export type CompiledJson =
  | { kind: "literal"; value: JsonValue }
  | { kind: "string"; template: CompiledString }
  | { kind: "array"; items: readonly CompiledJson[] }
  | { kind: "object"; entries: readonly (readonly [string, CompiledJson])[] };

/**
 * The parsed form of a {@link RequestTemplate}; built once per tool version by
 * `compileRequestTemplate` so rendering does no parsing. Treat the fields other than
 * `method`, `secretNames` and `usesMember` as internal.
 */
export interface CompiledRequestTemplate {
  readonly method: TemplateMethod;
  /** Every `{{secrets.NAME}}` the template uses, each once, in order of appearance. */
  readonly secretNames: readonly string[];
  /** Whether any `{{member.*}}` placeholder appears (such a tool cannot run without a member). */
  readonly usesMember: boolean;
  /** Every `{{input.…}}` placeholder and where it is (`url`, `query.q`, `body.name`): checked against the input schema. */
  readonly inputRefs: readonly { path: readonly string[]; raw: string; where: string }[];
  /** `scheme://host[:port]` exactly as written; never rendered. */
  readonly origin: string;
  /** Lower-cased `host[:port]` of {@link origin} as the URL parser sees it. */
  readonly host: string;
  readonly path: CompiledString;
  readonly query: readonly { name: string; values: readonly CompiledString[]; isArray: boolean }[];
  readonly headers: readonly (readonly [string, CompiledString])[];
  readonly body?: CompiledJson;
  readonly bodyEncoding?: BodyEncoding;
}

/** What a render may use. `secrets` holds decrypted values; they are reported back for redaction. */
export interface RenderContext {
  input: unknown;
  member?: { id: string; email?: string; name?: string };
  project: { id: string };
  run: { id: string };
  secrets: Record<string, string>;
}

export interface RenderedRequest {
  method: TemplateMethod;
  /** Absolute URL, query included. */
  url: string;
  headers: Record<string, string>;
  /** The encoded body (JSON text, form text, multipart or binary bytes), when the template has one. */
  body?: string | Buffer;
  /** The body's media type (`application/json` for JSON); the caller sets the header unless the template did. */
  contentType?: string;
  /**
   * What a run records instead of the body, when the bytes are not readable as they are: the
   * decoded form pairs, the multipart parts without their bytes, a binary body's type and size.
   */
  bodyView?: BodyView;
  /**
   * Multipart parts of which some are `{ url }` files still to fetch: `body` is then unset and
   * the sender fetches them (through the SSRF guard) and encodes with `encodeMultipart`.
   */
  pendingMultipart?: { parts: MultipartPart[]; boundary: string };
  /** Every secret value used, so callers can redact runs and logs. */
  secretValues: string[];
}

/** An expected failure (missing variable, unsafe value): nothing may be sent. */
export type RenderResult =
  | { ok: true; request: RenderedRequest }
  | { ok: false; error: string; path: string };
