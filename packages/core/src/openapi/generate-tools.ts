import { isAppError } from "../errors/app-error.ts";
import { SCOPE_PATTERN } from "../scopes/has-scopes.ts";
import { checkToolDefinition } from "../tools/check-tool-definition.ts";
import { TOOL_NAME_PATTERN, type ToolDefinitionInput } from "../tools/tool-definition.ts";
import type { BodyEncoding, FieldEncoding } from "../templates/body-encoding.ts";
import { SchemaConversionError, SchemaConverter } from "./convert-schema.ts";
import { getAt, isObject, refTokens } from "./json-pointer.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";
import { OPERATION_METHODS, type OpenApiFormat, operationLabel, type ParsedOpenApiDocument } from "./parse-openapi-document.ts";

/** The methods that become tools (DESIGN §12); other operations are reported as skipped. */
export const IMPORTED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export type OperationRef = {
  /** Upper case: `GET`. */
  method: string;
  /** As in the document: `/pets/{petId}`. */
  path: string;
  operationId?: string;
  /** The operation's `tags` (strings only): the first is the tool's family. */
  tags?: string[];
};

export type GeneratedTool = OperationRef & {
  definition: ToolDefinitionInput;
  /** The name the operation's summary (or operationId, or method and path) gives, before de-duplication. */
  baseName: string;
};

export type GenerateToolsOptions = {
  /** Overrides the document's `servers`. */
  baseUrl?: string;
  /** Where the document was fetched from: relative server URLs resolve against it. */
  documentUrl?: string;
  /** Values for server URL `{variables}`, instead of their defaults. */
  serverVariables?: Record<string, string>;
  /** Names already used by other tools of the project: generated names get `_2`, `_3`… instead. */
  takenNames?: Iterable<string>;
  /** A name to keep for an operation (re-import: the tool's current name); reserved before the others are given out. */
  pickName?: (operation: OperationRef, baseName: string) => string | undefined;
};

/** A `{variable}` of a server URL, as the import form shows it. */
export type ServerVariableView = { name: string; default?: string; enum?: string[]; description?: string };
/** The document's first server: the base URL unless one is given. */
export type DocumentServer = { url: string; variables: ServerVariableView[] };

export type GeneratedTools = {
  format: OpenApiFormat;
  title?: string;
  /** The document's own server, with its variables (absent when it names none). */
  server?: DocumentServer;
  /** The document-level base URL the tools' URLs start with (unless an operation has its own `servers`). */
  baseUrl: string;
  /** Every operation under `paths`: each is in `tools` or in `skipped`. */
  operationCount: number;
  tools: GeneratedTool[];
  skipped: Array<{ operation: string; reason: string }>;
  notes: string[];
};

/** Tool descriptions may be this long (tool-definition.ts). */
const MAX_DESCRIPTION = 10_000;
const MAX_TITLE = 200;
const MAX_NAME = 64;

/**
 * Headers the gateway sets itself (auth, idempotency, signature, identity, framing): a
 * document's parameters for them are left out of the tool's input.
 */
const GATEWAY_HEADERS = new Set([
  "authorization", "proxy-authorization", "content-type", "content-length", "idempotency-key", "host", "connection",
  "transfer-encoding", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect", "signature",
  "signature-input", "content-digest", "cookie",
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a `{{input.…}}` path segment may contain (templates/parse-template-string.ts). */
const INPUT_KEY = /^[^\s.{}]+$/;
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json(?:\s*;.*)?$/i;
const BINARY_MEDIA_TYPE = /^(?:application\/(?:octet-stream|pdf|zip|gzip|x-tar)|image\/[\w.+*-]+|audio\/[\w.+*-]+|video\/[\w.+*-]+)$/i;
const TEXT_MEDIA_TYPE = /^(?:text\/[\w.+-]+|application\/(?:[\w.-]+\+)?xml)$/i;

/**
 * Generates one tool definition per GET/POST/PUT/PATCH/DELETE operation of a parsed document
 * (DESIGN §12). Pure: no database, no network. Every definition passes `checkToolDefinition`
 * (input schema compiles with ajv 2020, templates compile, scopes are valid); an operation that
 * cannot become such a tool is in `skipped` with the reason — never an exception.
 *
 * Tools take `{ pathParams, query, headers, body }`; the request template sends each part
 * where the document says (`{p}` in the path → `{{input.pathParams.p}}`, query and header
 * parameters by name, `body: "{{input.body}}"` as JSON).
 *
 * @throws {OpenApiImportError} only when no base URL can be determined (a relative or missing
 *   server URL, no document URL to resolve it against and no `baseUrl` given), or `baseUrl` is invalid.
 */
export function generateTools(parsed: ParsedOpenApiDocument, options: GenerateToolsOptions = {}): GeneratedTools {
  const doc = parsed.document;
  const notes = new NoteCollector();
  const converter = new SchemaConverter(doc, (kind, detail) => notes.add(kind === "pattern" ? "patterns that are not valid JavaScript regular expressions were left out of input schemas" : kind, detail));
  const documentBase = documentBaseUrl(doc, options);
  const skipped: GeneratedTools["skipped"] = [];
  const built: UnnamedTool[] = [];
  let operationCount = 0;

  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    if (path.startsWith("x-")) continue;
    let item: unknown;
    try {
      item = resolveObject(doc, rawItem);
    } catch (error) {
      skipped.push({ operation: path, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (!isObject(item)) continue;
    for (const [key, rawOperation] of Object.entries(item)) {
      if (!(OPERATION_METHODS as readonly string[]).includes(key)) continue;
      operationCount++;
      const method = key.toUpperCase();
      const operation = isObject(rawOperation) ? rawOperation : {};
      const operationId = typeof operation.operationId === "string" && operation.operationId.trim() !== "" ? operation.operationId : undefined;
      const label = `${operationLabel(method, path)}${operationId ? ` (${operationId})` : ""}`;
      const skip = (reason: string) => skipped.push({ operation: label, reason });

      if (!(IMPORTED_METHODS as readonly string[]).includes(method)) {
        skip(`${method} operations are not imported (only ${IMPORTED_METHODS.join(", ")})`);
        continue;
      }
      const invalid = parsed.invalidOperations.get(operationLabel(method, path));
      if (invalid) {
        skip(invalid);
        continue;
      }
      try {
        const base = operationBaseUrl(item, operation, documentBase, options);
        const definition = buildDefinition({ doc, converter, notes, method, path, item, operation, base, label });
        const tags = Array.isArray(operation.tags) ? operation.tags.filter((t): t is string => typeof t === "string" && t.trim() !== "").map((t) => t.trim().slice(0, 100)).slice(0, 50) : [];
        const ref: OperationRef = { method, path, ...(operationId ? { operationId } : {}), ...(tags.length ? { tags } : {}) };
        // The same checks as every stored tool; the name is given out below.
        checkToolDefinition({ ...definition, name: "tool" });
        built.push({ ...ref, baseName: baseNameFor(operation, method, path), definition });
      } catch (error) {
        if (error instanceof SkipOperation || error instanceof SchemaConversionError) skip(error.message);
        else if (isAppError(error)) skip(error.problems ? error.problems.map((p) => `${p.path}: ${p.message}`).join("; ") : error.message);
        else throw error;
      }
    }
  }

  const tools = assignNames(built, options);
  const webhooks = isObject(doc.webhooks) ? Object.keys(doc.webhooks).length : 0;
  if (webhooks > 0) notes.add(`webhooks are not imported (${webhooks} in the document)`, "");
  return {
    format: parsed.format,
    ...(parsed.title ? { title: parsed.title } : {}),
    baseUrl: documentBase,
    ...(documentServer(doc) ? { server: documentServer(doc)! } : {}),
    operationCount,
    tools,
    skipped,
    notes: [...parsed.warnings.slice(0, 20), ...notes.list()],
  };
}

type UnnamedTool = OperationRef & { baseName: string; definition: Omit<ToolDefinitionInput, "name"> };

/** The operations `generateTools` makes tools of (methods it imports), in document order. */
export function listOperations(parsed: ParsedOpenApiDocument): OperationRef[] {
  const doc = parsed.document;
  const out: OperationRef[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    if (path.startsWith("x-")) continue;
    let item: unknown;
    try {
      item = resolveObject(doc, rawItem);
    } catch {
      continue;
    }
    if (!isObject(item)) continue;
    for (const [key, operation] of Object.entries(item)) {
      const method = key.toUpperCase();
      if (!(IMPORTED_METHODS as readonly string[]).includes(method) || !isObject(operation)) continue;
      const operationId = typeof operation.operationId === "string" && operation.operationId.trim() !== "" ? operation.operationId : undefined;
      out.push({ method, path, ...(operationId ? { operationId } : {}) });
    }
  }
  return out;
}

/** An operation that cannot become a tool; its message is the reason shown. */
class SkipOperation extends Error {}

// ---------------------------------------------------------------- one operation

type BuildContext = {
  doc: Record<string, unknown>;
  converter: SchemaConverter;
  notes: NoteCollector;
  method: string;
  path: string;
  item: Record<string, unknown>;
  operation: Record<string, unknown>;
  base: string;
  label: string;
};

type Part = { properties: Record<string, unknown>; required: string[]; template: Record<string, string>; keys: Set<string> };
const newPart = (): Part => ({ properties: {}, required: [], template: {}, keys: new Set() });

function buildDefinition(ctx: BuildContext): Omit<ToolDefinitionInput, "name"> {
  const { doc, converter, notes, method, path, operation } = ctx;
  const refs = new Set<string>();
  const convert = (schema: unknown) => converter.convert(schema, refs);

  const parts = { path: newPart(), query: newPart(), header: newPart() };
  const pathKeys = new Map<string, string>();

  for (const parameter of collectParameters(doc, ctx.item, operation)) {
    const name = parameter.name as string;
    const where = parameter.in as string;
    const required = where === "path" || parameter.required === true;
    const dropOrSkip = (reason: string) => {
      if (required) throw new SkipOperation(`required ${where} parameter "${name}": ${reason}`);
      notes.add(`optional parameters left out (${reason.replace(/ \(.*\)$/, "")})`, `${name} in ${ctx.label}`);
    };
    if (where === "cookie") {
      dropOrSkip("cookie parameters are not supported");
      continue;
    }
    if (where === "header") {
      const lower = name.toLowerCase();
      if (GATEWAY_HEADERS.has(lower) || lower.startsWith("x-tengine-")) {
        notes.add("header parameters the gateway sets itself were left out", name);
        continue;
      }
      if (!HEADER_NAME.test(name)) {
        dropOrSkip("not a valid HTTP header name");
        continue;
      }
    }
    if (where !== "path" && where !== "query" && where !== "header") continue;

    const rawSchema = parameterSchema(parameter);
    const shape = shapeOf(converter.deref(rawSchema));
    // A deepObject query object with a fixed set of scalar properties (Stripe's `scope`): one
    // query entry per property, `scope[type]={{input.query.scope.type}}`; absent ones are left out.
    const deepKeys = where === "query" && shape === "object" && parameter.style === "deepObject" ? deepObjectKeys(converter, rawSchema) : undefined;
    if ((shape === "object" && !deepKeys) || (shape === "array" && where !== "query")) {
      dropOrSkip(`${shape} values cannot be sent in the ${where === "path" ? "path" : where}`);
      continue;
    }
    if (where === "query" && shape === "array" && parameter.explode === false) {
      notes.add("array query parameters with explode: false are sent as repeated keys", `${name} in ${ctx.label}`);
    }

    const part = where === "path" ? parts.path : where === "query" ? parts.query : parts.header;
    const key = inputKey(name, part.keys);
    let schema = convert(rawSchema);
    const description = typeof parameter.description === "string" ? parameter.description.trim() : "";
    const extra: Record<string, unknown> = {};
    if (description && !(isObject(schema) && typeof schema.description === "string")) extra.description = description;
    if (key !== name) extra.description = `${description ? `${description} ` : ""}(sent as "${name}")`;
    if (parameter.deprecated === true) extra.deprecated = true;
    if (parameter.example !== undefined && !(isObject(schema) && schema.examples !== undefined)) extra.examples = [parameter.example];
    if (Object.keys(extra).length > 0) schema = isObject(schema) ? { ...schema, ...extra } : { allOf: [schema], ...extra };
    part.properties[key] = schema;
    if (required) part.required.push(key);
    if (where === "path") pathKeys.set(name, key);
    else if (deepKeys) for (const property of deepKeys) part.template[`${name}[${property}]`] = `{{input.query.${key}.${property}}}`;
    else part.template[name] = `{{input.${where === "query" ? "query" : "headers"}.${key}}}`;
  }

  // AWS query-protocol documents (`/#Action=AssumeRole`, `/{Bucket}?uploads`): what follows
  // `#` or `?` is fixed query parameters of this operation, not part of the path.
  const { path: pathOnly, fixed } = splitPathSuffix(path);
  for (const [name] of fixed) {
    if (parts.query.template[name] === undefined) continue;
    delete parts.query.template[name];
    for (const [key, schema] of Object.entries(parts.query.properties)) {
      if (isObject(schema) && (key === name || String(schema.description ?? "").endsWith(`(sent as "${name}")`))) {
        delete parts.query.properties[key];
        parts.query.required = parts.query.required.filter((k) => k !== key);
      }
    }
    notes.add("query parameters fixed by the path (after # or ?) were left out of the input", `${name} in ${ctx.label}`);
  }

  // Path template: every {name} must be a path parameter; an undeclared one becomes a string.
  let urlPath = "";
  let last = 0;
  for (const match of pathOnly.matchAll(/\{([^{}]+)\}/g)) {
    const name = match[1]!;
    let key = pathKeys.get(name);
    if (key === undefined) {
      key = inputKey(name, parts.path.keys);
      pathKeys.set(name, key);
      parts.path.properties[key] = { type: "string" };
      parts.path.required.push(key);
      notes.add("path parameters missing from the operation's parameters were added as strings", `${name} in ${ctx.label}`);
    }
    urlPath += pathOnly.slice(last, match.index) + `{{input.pathParams.${key}}}`;
    last = match.index + match[0].length;
  }
  urlPath += pathOnly.slice(last);
  if (/[{}]/.test(urlPath.replace(/\{\{input\.pathParams\.[^{}]+\}\}/g, ""))) throw new SkipOperation(`the path ${path} has unbalanced braces`);
  for (const declared of pathKeys.keys()) {
    if (!pathOnly.includes(`{${declared}}`)) {
      delete parts.path.properties[pathKeys.get(declared)!];
      parts.path.required = parts.path.required.filter((k) => k !== pathKeys.get(declared));
      notes.add("path parameters that do not appear in the path were left out", `${declared} in ${ctx.label}`);
    }
  }

  // Body: JSON, form, multipart, binary or text, in that order of preference.
  let bodySchema: unknown;
  let bodyRequired = false;
  let bodyEncoding: BodyEncoding | undefined;
  let contentType: string | undefined;
  const requestBody = resolveObject(doc, operation.requestBody);
  if (isObject(requestBody) && isObject(requestBody.content) && Object.keys(requestBody.content).length > 0) {
    const chosen = chooseBodyType(Object.keys(requestBody.content));
    if (!chosen) throw new SkipOperation(`the request body is ${Object.keys(requestBody.content).join(", ")}; no media type that can be sent (JSON, form, multipart, binary or text)`);
    const media = resolveObject(doc, requestBody.content[chosen.key]);
    const rawSchema = isObject(media) && media.schema !== undefined ? media.schema : {};
    const encodingMap = isObject(media) && isObject(media.encoding) ? media.encoding : {};
    switch (chosen.kind) {
      case "json":
        bodySchema = convert(rawSchema);
        // The renderer says application/json; a vendor JSON type (merge-patch+json) is kept.
        if (chosen.type !== "application/json" && chosen.type !== "*/*") contentType = chosen.type;
        break;
      case "form":
      case "multipart": {
        const { fields, headerInputs } = fieldEncodings(doc, converter, convert, encodingMap, chosen.kind, notes, ctx.label);
        bodySchema = chosen.kind === "multipart" ? withFileParts(converter, convert, rawSchema, headerInputs, notes, ctx.label) : convert(rawSchema);
        bodyEncoding = { type: chosen.kind, ...(Object.keys(fields).length ? { fields } : {}) };
        break;
      }
      case "binary":
        bodySchema = fileSchema(false, chosen.type);
        bodyEncoding = { type: "binary", contentType: chosen.type };
        break;
      case "text":
        bodySchema = { type: "string" };
        bodyEncoding = { type: "text", contentType: chosen.type };
        break;
    }
    const description = typeof requestBody.description === "string" ? requestBody.description.trim() : "";
    if (description && !(isObject(bodySchema) && typeof bodySchema.description === "string")) bodySchema = isObject(bodySchema) ? { ...bodySchema, description } : { allOf: [bodySchema], description };
    // A body template whose value is missing is a render error (templates/render-request.ts),
    // so a tool with a body always needs one: required even when the document says optional.
    bodyRequired = true;
  }

  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const addPart = (name: string, part: Part, description: string) => {
    if (Object.keys(part.properties).length === 0) return;
    properties[name] = { type: "object", description, properties: part.properties, ...(part.required.length ? { required: part.required } : {}), additionalProperties: false };
    if (part.required.length > 0) required.push(name);
  };
  addPart("pathParams", parts.path, "Path parameters");
  addPart("query", parts.query, "Query parameters");
  addPart("headers", parts.header, "Request headers");
  if (bodySchema !== undefined) {
    properties.body = bodySchema;
    if (bodyRequired) required.push("body");
  }
  const defs = converter.defsFor(refs);
  const inputSchema: Record<string, unknown> = {
    type: "object",
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
    ...(Object.keys(defs).length ? { $defs: defs } : {}),
  };

  const summary = typeof operation.summary === "string" ? operation.summary.trim() : "";
  const longText = typeof operation.description === "string" ? operation.description.trim() : "";
  const headers = { ...parts.header.template, ...(contentType ? { "Content-Type": contentType } : {}) };
  return {
    ...(summary ? { title: truncate(summary, MAX_TITLE) } : {}),
    description: truncate(toolDescription(summary, longText) || `${method} ${path}`, MAX_DESCRIPTION),
    inputSchema,
    annotations: annotationsFor(method),
    requiredScopes: scopesFor(doc, operation, notes),
    method,
    url: `${ctx.base}${urlPath}`,
    ...(Object.keys(parts.query.template).length || fixed.length ? { query: { ...Object.fromEntries(fixed), ...parts.query.template } } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(bodySchema !== undefined ? { body: "{{input.body}}" } : {}),
    ...(bodyEncoding ? { bodyEncoding } : {}),
    auth: { type: "none" },
  };
}

/**
 * The tool's description: the operation's description, without a first line that only repeats
 * the summary (the summary is already the tool's title, and clients show both). The summary
 * alone when there is no other text.
 */
export function toolDescription(summary: string, longText: string): string {
  if (!longText) return summary;
  if (!summary) return longText;
  const plain = (text: string) => text.replace(/^#{1,6}\s+/, "").replace(/[*_`]/g, "").replace(/[\s.:!]+$/, "").trim().toLowerCase();
  const [first = "", ...rest] = longText.split(/\r?\n/);
  if (plain(first) !== plain(summary)) return longText;
  return rest.join("\n").trim() || summary;
}

/** Path-level parameters, overridden by operation-level ones with the same name and location. */
function collectParameters(doc: Record<string, unknown>, item: Record<string, unknown>, operation: Record<string, unknown>): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const list of [item.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = resolveObject(doc, raw);
      if (!isObject(parameter) || typeof parameter.name !== "string" || typeof parameter.in !== "string") throw new SkipOperation("a parameter has no name or location");
      byKey.set(`${parameter.in}:${parameter.name}`, parameter);
    }
  }
  return [...byKey.values()];
}

function parameterSchema(parameter: Record<string, unknown>): unknown {
  if (parameter.schema !== undefined) return parameter.schema;
  if (isObject(parameter.content)) {
    const first = Object.values(parameter.content)[0];
    if (isObject(first) && first.schema !== undefined) return first.schema;
  }
  return { type: "string" };
}

function shapeOf(schema: unknown): "object" | "array" | "scalar" {
  if (!isObject(schema)) return "scalar";
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("object") || (schema.type === undefined && isObject(schema.properties))) return "object";
  if (types.includes("array")) return "array";
  return "scalar";
}

/**
 * The properties of a deepObject query parameter when each can be its own query entry: a closed
 * object (no additionalProperties, no composition) whose properties are scalars with plain
 * names (letters, digits, `_`, `-`). Otherwise undefined (the parameter is not sent).
 */
function deepObjectKeys(converter: SchemaConverter, raw: unknown): string[] | undefined {
  const schema = converter.deref(raw);
  if (!isObject(schema) || !isObject(schema.properties) || schema.allOf || schema.oneOf || schema.anyOf) return undefined;
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return undefined;
  const keys = Object.keys(schema.properties);
  if (keys.length === 0 || keys.length > 50) return undefined;
  for (const key of keys) {
    if (!/^[A-Za-z0-9_-]+$/.test(key) || shapeOf(converter.deref(schema.properties[key])) !== "scalar") return undefined;
  }
  return keys;
}

/** The input property for a parameter: its name, unless a template path could not reach it. */
function inputKey(name: string, used: Set<string>): string {
  let key = INPUT_KEY.test(name) ? name : name.replace(/[\s.{}]+/g, "_") || "param";
  for (let n = 2; used.has(key); n++) key = `${INPUT_KEY.test(name) ? name : name.replace(/[\s.{}]+/g, "_")}_${n}`;
  used.add(key);
  return key;
}

function annotationsFor(method: string): ToolDefinitionInput["annotations"] {
  switch (method) {
    case "GET":
      return { readOnlyHint: true, openWorldHint: true };
    case "DELETE":
      return { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true };
    case "PUT":
      return { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true };
    default:
      return { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };
  }
}

/**
 * `**Required scope:** contacts:read, notes:write` lines of the description, plus the scopes of
 * the operation's (or the document's) OAuth2 / OpenID Connect security requirements. Only
 * Tengine-style scopes (`resource:read|write`) are kept; others are reported in the notes.
 */
function scopesFor(doc: Record<string, unknown>, operation: Record<string, unknown>, notes: NoteCollector): string[] {
  const scopes: string[] = [];
  const add = (scope: string, source: string) => {
    const clean = scope.trim().replace(/^[`*'"]+|[`*'".;]+$/g, "");
    if (clean === "") return;
    if (SCOPE_PATTERN.test(clean)) {
      if (!scopes.includes(clean)) scopes.push(clean);
    } else {
      notes.add(`scopes not of the form resource:read or resource:write were ignored (${source})`, clean);
    }
  };
  const description = typeof operation.description === "string" ? operation.description : "";
  for (const match of description.matchAll(/\*\*Required scopes?:?\*\*:?([^\n]*)/gi)) {
    for (const token of match[1]!.split(/[\s,]+/)) if (token && !/^(and|or)$/i.test(token)) add(token, "description");
  }
  const security = Array.isArray(operation.security) ? operation.security : Array.isArray(doc.security) ? doc.security : [];
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  for (const requirement of security) {
    if (!isObject(requirement)) continue;
    for (const [schemeName, list] of Object.entries(requirement)) {
      const scheme = resolveObject(doc, schemes[schemeName]);
      if (!isObject(scheme) || (scheme.type !== "oauth2" && scheme.type !== "openIdConnect") || !Array.isArray(list)) continue;
      for (const scope of list) if (typeof scope === "string") add(scope, "OAuth2");
    }
  }
  return scopes;
}

/**
 * `/#Action=AssumeRole&Version=2011-06-15` → path `/` and the fixed query pairs. A key without
 * a value (`?uploads`) is sent with an empty one. Placeholders are not allowed in the suffix.
 */
export function splitPathSuffix(path: string): { path: string; fixed: [string, string][] } {
  const at = path.search(/[?#]/);
  if (at === -1) return { path, fixed: [] };
  const suffix = path.slice(at + 1).replace(/^[?#]+/, "");
  if (/[{}#?]/.test(suffix)) throw new SkipOperation(`the path ${path} has a query or fragment that is not fixed name=value pairs`);
  const fixed: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(suffix)) {
    if (name === "") continue;
    if (!fixed.some(([n]) => n === name)) fixed.push([name, value]);
  }
  return { path: path.slice(0, at) || "/", fixed };
}

type BodyKind = "json" | "form" | "multipart" | "binary" | "text";

/** The request body media type the tool sends: JSON first, then form, multipart, binary, text. */
function chooseBodyType(types: string[]): { key: string; type: string; kind: BodyKind } | undefined {
  const bare = (t: string) => t.split(";")[0]!.trim().toLowerCase();
  const pick = (kind: BodyKind, test: (t: string) => boolean) => {
    const found = types.find((t) => test(bare(t)));
    return found === undefined ? undefined : { key: found, type: bare(found), kind };
  };
  return (
    pick("json", (t) => t === "application/json") ??
    pick("json", (t) => JSON_MEDIA_TYPE.test(t) || t === "*/*") ??
    pick("form", (t) => t === "application/x-www-form-urlencoded") ??
    pick("multipart", (t) => t === "multipart/form-data" || t === "multipart/mixed") ??
    pick("binary", (t) => BINARY_MEDIA_TYPE.test(t)) ??
    pick("text", (t) => TEXT_MEDIA_TYPE.test(t))
  );
}

/** Per-part headers a caller gives with a file part: their input schemas. */
type HeaderInputs = Record<string, { properties: Record<string, unknown>; required: string[] }>;

/**
 * The Encoding Object of each property, as far as the gateway applies it. A multipart part's
 * `headers` with a fixed value (`const`, a single `enum` value, or a `default`) are stored and
 * always sent; the others become inputs of the file part (`headers: { … }`).
 */
function fieldEncodings(doc: Record<string, unknown>, converter: SchemaConverter, convert: (schema: unknown) => unknown, encoding: Record<string, unknown>, kind: "form" | "multipart", notes: NoteCollector, label: string): { fields: Record<string, FieldEncoding>; headerInputs: HeaderInputs } {
  const out: Record<string, FieldEncoding> = {};
  const headerInputs: HeaderInputs = {};
  for (const [name, raw] of Object.entries(encoding)) {
    const entry = resolveObject(doc, raw);
    if (!isObject(entry)) continue;
    const field: FieldEncoding = {};
    if (kind === "form" && typeof entry.style === "string" && ["form", "spaceDelimited", "pipeDelimited", "deepObject"].includes(entry.style)) field.style = entry.style as FieldEncoding["style"];
    if (kind === "form" && typeof entry.explode === "boolean") field.explode = entry.explode;
    if (typeof entry.contentType === "string") {
      const first = entry.contentType.split(",")[0]!.split(";")[0]!.trim();
      if (/^[A-Za-z0-9][\w!#$&^.+-]*\/(?:\*|[A-Za-z0-9][\w!#$&^.+-]*)$/.test(first)) field.contentType = first;
    }
    if (kind === "multipart" && isObject(entry.headers)) {
      const fixed: Record<string, string> = {};
      for (const [header, rawHeader] of Object.entries(entry.headers)) {
        const lower = header.toLowerCase();
        // OpenAPI: a Content-Type here is ignored (the encoding's contentType says it).
        if (lower === "content-type") continue;
        if (lower === "content-disposition" || lower === "content-length" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
          notes.add("per-part headers the gateway writes itself (or that are not header names) were left out", `${header} of ${name} in ${label}`);
          continue;
        }
        const definition = resolveObject(doc, rawHeader);
        const schema = isObject(definition) ? converter.deref(definition.schema) : undefined;
        const value = isObject(schema) ? fixedValue(schema) : undefined;
        if (value !== undefined) fixed[header] = value;
        else headerInputs[name] = addHeaderInput(headerInputs[name], header, isObject(definition) && definition.schema !== undefined ? convert(definition.schema) : { type: "string" }, isObject(definition) && definition.required === true);
      }
      if (Object.keys(fixed).length > 0) field.headers = fixed;
    }
    if (Object.keys(field).length > 0) out[name] = field;
  }
  return { fields: out, headerInputs };
}

/** The one value a header schema allows or defaults to, as header text. */
function fixedValue(schema: Record<string, unknown>): string | undefined {
  const scalar = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean") && !/[\r\n\0]/.test(String(v)) ? String(v) : undefined;
  if (schema.const !== undefined) return scalar(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return scalar(schema.enum[0]);
  if (schema.default !== undefined) return scalar(schema.default);
  return undefined;
}

function addHeaderInput(current: HeaderInputs[string] | undefined, header: string, schema: unknown, required: boolean): HeaderInputs[string] {
  const next = current ?? { properties: {}, required: [] };
  next.properties[header] = schema;
  if (required) next.required.push(header);
  return next;
}

/**
 * The input schema of a file: `{ base64, filename?, contentType? }`, or `{ url, … }` in
 * multipart, with `headers` when the part declares headers the caller gives.
 */
function fileSchema(allowUrl: boolean, contentType?: string, headers?: HeaderInputs[string]): Record<string, unknown> {
  const meta = {
    filename: { type: "string", description: "File name sent with the part" },
    contentType: { type: "string", description: `Media type of the content${contentType ? ` (default ${contentType})` : ""}` },
    ...(headers ? { headers: { type: "object", description: "Headers sent with this part", properties: headers.properties, ...(headers.required.length ? { required: headers.required } : {}), additionalProperties: false } } : {}),
  };
  const needsHeaders = headers && headers.required.length > 0 ? ["headers"] : [];
  const inline = { type: "object", properties: { base64: { type: "string", description: "The bytes, base64-encoded" }, ...meta }, required: ["base64", ...needsHeaders], additionalProperties: false };
  if (!allowUrl) return { ...inline, description: `The body's bytes${contentType ? ` (${contentType})` : ""}, base64-encoded` };
  const byUrl = { type: "object", properties: { url: { type: "string", format: "uri", description: "An http(s) URL the gateway fetches the file from" }, ...meta }, required: ["url", ...needsHeaders], additionalProperties: false };
  return { description: "A file: its bytes in base64, or a URL to fetch it from", oneOf: [inline, byUrl] };
}

/** Multipart properties that are files (`format: binary`, or a `contentMediaType`) take a file value. */
function withFileParts(converter: SchemaConverter, convert: (schema: unknown) => unknown, raw: unknown, headerInputs: HeaderInputs, notes: NoteCollector, label: string): unknown {
  const source = converter.deref(raw);
  const noteTextParts = (fileNames: string[]) => {
    for (const part of Object.keys(headerInputs)) {
      if (!fileNames.includes(part)) notes.add("per-part headers without a fixed value are sent with file parts only; on other parts they were left out", `${Object.keys(headerInputs[part]!.properties).join(", ")} of ${part} in ${label}`);
    }
  };
  if (!isObject(source) || !isObject(source.properties)) {
    noteTextParts([]);
    return convert(raw);
  }
  const isFile = (schema: unknown): boolean => {
    const s = converter.deref(schema);
    if (!isObject(s)) return false;
    const stringy = s.type === undefined || s.type === "string" || (Array.isArray(s.type) && s.type.includes("string"));
    return stringy && (s.format === "binary" || typeof s.contentMediaType === "string" || s.contentEncoding === "base64");
  };
  const files = Object.entries(source.properties).filter(([, schema]) => {
    const s = converter.deref(schema);
    return isFile(schema) || (isObject(s) && s.type === "array" && isFile(s.items));
  });
  noteTextParts(files.map(([name]) => name));
  if (files.length === 0) return convert(raw);
  // The body's own object (not a reference to it), so its file properties can be replaced.
  const converted = convert(source);
  if (!isObject(converted)) return converted;
  const properties: Record<string, unknown> = { ...(isObject(converted.properties) ? converted.properties : {}) };
  for (const [name, schema] of files) properties[name] = isFile(schema) ? fileSchema(true, undefined, headerInputs[name]) : { type: "array", items: fileSchema(true, undefined, headerInputs[name]) };
  return { ...converted, type: "object", properties };
}

// ---------------------------------------------------------------- base URLs

function documentBaseUrl(doc: Record<string, unknown>, options: GenerateToolsOptions): string {
  if (options.baseUrl !== undefined) {
    const base = cleanBaseUrl(options.baseUrl);
    if (!base) throw new OpenApiImportError(`base URL "${options.baseUrl}" must be an absolute http(s) URL without a query, fragment or credentials`);
    return base;
  }
  const servers = Array.isArray(doc.servers) && doc.servers.length > 0 ? doc.servers : [{ url: "/" }];
  const resolved = resolveServer(servers[0], options.documentUrl, options.serverVariables);
  if (resolved.ok) return resolved.url;
  const server = documentServer(doc);
  if (resolved.variable) throw new OpenApiImportError(resolved.reason, { pointer: `/servers/0/variables/${resolved.variable}` }, server ? { server } : {});
  throw new OpenApiImportError(`${resolved.reason}: give the base URL the tools should call (--base-url, or the Base URL field of the import form)`, { pointer: Array.isArray(doc.servers) && doc.servers.length > 0 ? "/servers/0/url" : "/servers" }, server ? { server } : {});
}

/** The document's first server and its variables, for the admin to fill in. */
export function documentServer(doc: Record<string, unknown>): DocumentServer | undefined {
  const first = Array.isArray(doc.servers) ? doc.servers[0] : undefined;
  if (!isObject(first) || typeof first.url !== "string") return undefined;
  const declared = isObject(first.variables) ? first.variables : {};
  const text = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
  const names = [...new Set([...first.url.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!))];
  const variables = names.map((name): ServerVariableView => {
    const v = isObject(declared[name]) ? declared[name] : {};
    const values = Array.isArray(v.enum) ? v.enum.map(text).filter((x): x is string => x !== undefined) : [];
    const fallback = text(v.default);
    const description = typeof v.description === "string" ? v.description.trim().slice(0, 500) : "";
    return { name, ...(fallback !== undefined ? { default: fallback } : {}), ...(values.length ? { enum: values } : {}), ...(description ? { description } : {}) };
  });
  return { url: first.url, variables };
}

/** An operation's or path's own `servers` win over the document's, unless the caller set a base URL. */
function operationBaseUrl(item: Record<string, unknown>, operation: Record<string, unknown>, documentBase: string, options: GenerateToolsOptions): string {
  if (options.baseUrl !== undefined) return documentBase;
  const own = Array.isArray(operation.servers) && operation.servers.length ? operation.servers : Array.isArray(item.servers) && item.servers.length ? item.servers : undefined;
  if (!own) return documentBase;
  const resolved = resolveServer(own[0], options.documentUrl ?? `${documentBase}/`, options.serverVariables);
  if (!resolved.ok) throw new SkipOperation(resolved.reason);
  return resolved.url;
}

function resolveServer(server: unknown, documentUrl: string | undefined, given: Record<string, string> = {}): { ok: true; url: string } | { ok: false; reason: string; variable?: string } {
  if (!isObject(server) || typeof server.url !== "string") return { ok: false, reason: "the server has no URL" };
  const variables = isObject(server.variables) ? server.variables : {};
  // A value the document restricts to a list must be on it (OpenAPI: enum values are the only ones allowed).
  for (const [name, value] of Object.entries(given)) {
    const variable = variables[name];
    if (!server.url.includes(`{${name}}`) || !isObject(variable) || !Array.isArray(variable.enum) || variable.enum.length === 0) continue;
    if (!variable.enum.map(String).includes(value)) return { ok: false, reason: `server variable ${name}: "${value}" is not one of ${variable.enum.map(String).join(", ")}`, variable: name };
  }
  let url = server.url.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    if (Object.hasOwn(given, name)) return given[name]!;
    const variable = variables[name];
    return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
  });
  if (/[{}]/.test(url)) {
    const missing = /\{([^{}]+)\}/.exec(url)?.[1];
    return { ok: false, reason: `the server URL ${server.url} has a variable without a default (${missing}): give its value`, ...(missing ? { variable: missing } : {}) };
  }
  if (url.startsWith("//")) url = `${documentUrl ? new URL(documentUrl).protocol : "https:"}${url}`;
  let absolute: string;
  try {
    absolute = new URL(url).href;
  } catch {
    if (!documentUrl) return { ok: false, reason: `the server URL "${server.url}" is relative and the document was not imported from a URL` };
    try {
      absolute = new URL(url, documentUrl).href;
    } catch {
      return { ok: false, reason: `the server URL "${server.url}" is not a valid URL` };
    }
  }
  const clean = cleanBaseUrl(absolute);
  return clean ? { ok: true, url: clean } : { ok: false, reason: `the server URL "${server.url}" is not an http(s) URL` };
}

/** `https://api.example.com/v1/` → `https://api.example.com/v1`; undefined when unusable. */
function cleanBaseUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.search || url.hash) return undefined;
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

// ---------------------------------------------------------------- names

/** `List pets` → `list_pets`; ASCII letters, digits and `_` only. */
export function snakeCase(text: string, splitCamel = false): string {
  let s = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/['’]/g, "");
  if (splitCamel) s = s.replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2");
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

function baseNameFor(operation: Record<string, unknown>, method: string, path: string): string {
  const fromSummary = typeof operation.summary === "string" ? snakeCase(operation.summary) : "";
  if (fromSummary) return limitName(fromSummary);
  // A query-protocol action (`/#Action=AssumeRole`) names the operation: `assume_role`.
  let action: string | undefined;
  try {
    action = splitPathSuffix(path).fixed.find(([name]) => /^action$/i.test(name))?.[1];
  } catch {
    action = undefined;
  }
  if (action && snakeCase(action, true)) return limitName(snakeCase(action, true));
  const fromId = typeof operation.operationId === "string" ? snakeCase(operation.operationId, true) : "";
  if (fromId) return limitName(fromId);
  const fromPath = path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return limitName(fromPath ? `${method.toLowerCase()}_${fromPath}` : method.toLowerCase());
}

/** At most `max` characters, cut at a word boundary when that keeps most of it. */
function limitName(name: string, max = MAX_NAME): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max);
  if (name[max] === "_") return cut.replace(/_+$/, "");
  const atWord = cut.replace(/_[^_]*$/, "");
  return (atWord.length >= max * 0.6 ? atWord : cut).replace(/_+$/, "");
}

function assignNames(built: UnnamedTool[], options: GenerateToolsOptions): GeneratedTool[] {
  const taken = new Set(options.takenNames ?? []);
  const picked = built.map((tool) => {
    const name = options.pickName?.({ method: tool.method, path: tool.path, ...(tool.operationId ? { operationId: tool.operationId } : {}) }, tool.baseName);
    return name !== undefined && TOOL_NAME_PATTERN.test(name) ? name : undefined;
  });
  for (const name of picked) if (name !== undefined) taken.add(name);
  return built.map((tool, i) => {
    let name = picked[i];
    if (name === undefined) {
      name = tool.baseName;
      for (let n = 2; taken.has(name); n++) name = `${limitName(tool.baseName, MAX_NAME - `_${n}`.length)}_${n}`;
      taken.add(name);
    }
    return { method: tool.method, path: tool.path, ...(tool.operationId ? { operationId: tool.operationId } : {}), ...(tool.tags ? { tags: tool.tags } : {}), baseName: tool.baseName, definition: { name, ...tool.definition } };
  });
}

// ---------------------------------------------------------------- helpers

/** Follows a Reference Object (`{ $ref }`) chain to the object it names. */
function resolveObject(doc: Record<string, unknown>, value: unknown): unknown {
  let current = value;
  for (let i = 0; isObject(current) && typeof current.$ref === "string"; i++) {
    if (i > 32) throw new SkipOperation(`$ref chain too long at ${String(current.$ref)}`);
    const tokens = refTokens(current.$ref);
    if (!tokens) throw new SkipOperation(`$ref "${current.$ref}" points to another file that was not read (the notes say why)`);
    const target = getAt(doc, tokens);
    if (target === undefined) throw new SkipOperation(`$ref "${current.$ref}" does not resolve`);
    current = target;
  }
  return current;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Repeated remarks, counted: "scopes … were ignored: read:org, repo (12 times)". */
class NoteCollector {
  private readonly notes = new Map<string, { count: number; examples: Set<string> }>();

  add(kind: string, detail: string) {
    let entry = this.notes.get(kind);
    if (!entry) {
      entry = { count: 0, examples: new Set() };
      this.notes.set(kind, entry);
    }
    entry.count++;
    if (detail && entry.examples.size < 5) entry.examples.add(detail);
  }

  list(): string[] {
    return [...this.notes].map(([kind, { count, examples }]) => {
      const shown = [...examples].join(", ");
      return `${kind}${shown ? `: ${shown}` : ""}${count > examples.size ? ` (${count} in all)` : ""}`;
    });
  }
}
