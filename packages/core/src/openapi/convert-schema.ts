import { canonicalRef, getAt, isObject, refTokens } from "./json-pointer.ts";

/** A schema that cannot become part of a tool's input schema; the operation is skipped with this message. */
export class SchemaConversionError extends Error {
  override name = "SchemaConversionError";
}

/** The formats ajv-formats knows (compileInputSchema validates them); others are dropped, as ajv would ignore them with a warning. */
const KNOWN_FORMATS = new Set([
  "date", "time", "date-time", "iso-time", "iso-date-time", "duration", "uri", "uri-reference", "uri-template", "url", "email",
  "hostname", "ipv4", "ipv6", "regex", "uuid", "json-pointer", "json-pointer-uri-fragment", "relative-json-pointer",
  "byte", "int32", "int64", "float", "double", "password", "binary",
]);

/**
 * OpenAPI-only keywords, and keywords that would change how references resolve inside a tool's
 * schema (`$id`, `$schema`, nested `$defs`: every `$ref` is rewritten to the tool's own `$defs`).
 */
const DROPPED = new Set(["discriminator", "xml", "externalDocs", "nullable", "example", "$schema", "$id", "id", "$anchor", "$dynamicAnchor", "$defs", "definitions", "additionalItems"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "dependentSchemas"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_VALUES = new Set(["additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames", "not", "if", "then", "else", "contentSchema"]);
const MAX_DEPTH = 256;

type DefEntry = { name: string; tokens: string[]; schema?: unknown; refs?: Set<string>; error?: string };

/**
 * Converts OpenAPI schemas (3.0 or 3.1) into JSON Schema 2020-12 for tool input schemas:
 *
 * - every local `$ref` (`#/components/schemas/Pet`, Swagger's `#/definitions/Pet`, or any other
 *   pointer) becomes `#/$defs/<name>`; a tool's `$defs` hold only the definitions its schema
 *   reaches, converted once per document and shared — so circular schemas stay finite;
 * - `nullable: true` → `"null"` added to `type` (and `enum`), or `anyOf: [schema, {type: null}]`;
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` (3.0) → the numeric form;
 * - `example` → `examples: [example]`; `discriminator`, `xml`, `externalDocs`, `x-*` dropped;
 * - tuple `items: [..]` → `prefixItems`; formats ajv does not know and patterns that are not
 *   valid JavaScript regular expressions are dropped (reported);
 * - `readOnly` properties are left out (a tool's input is always a request).
 */
export class SchemaConverter {
  private readonly defs = new Map<string, DefEntry>();
  private readonly names = new Set<string>();

  constructor(
    private readonly document: Record<string, unknown>,
    private readonly note: (kind: string, detail: string) => void = () => {},
  ) {}

  /** One schema of an operation; `refs` collects the canonical pointers it references. */
  convert(schema: unknown, refs: Set<string>): unknown {
    return this.node(schema, refs, 0);
  }

  /** The `$defs` a schema with these references needs (the transitive closure), by name. */
  defsFor(refs: Iterable<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const queue = [...refs];
    const seen = new Set<string>(queue);
    while (queue.length > 0) {
      const ref = queue.shift()!;
      const entry = this.resolveDef(ref);
      out[entry.name] = entry.schema;
      for (const next of entry.refs!) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return out;
  }

  /** Follows `$ref` chains to the schema object itself (for looking at `type`, `readOnly`). */
  deref(schema: unknown): unknown {
    let current = schema;
    for (let i = 0; i < 32 && isObject(current) && typeof current.$ref === "string"; i++) {
      const tokens = refTokens(current.$ref);
      if (!tokens) return undefined;
      current = getAt(this.document, tokens);
    }
    return current;
  }

  private resolveDef(ref: string): DefEntry {
    const entry = this.defs.get(ref)!;
    if (entry.refs === undefined && entry.error === undefined) {
      const refs = new Set<string>();
      try {
        entry.schema = this.node(getAt(this.document, entry.tokens), refs, 0);
        entry.refs = refs;
      } catch (error) {
        entry.error = error instanceof Error ? error.message : String(error);
      }
    }
    if (entry.error !== undefined) throw new SchemaConversionError(entry.error);
    return entry;
  }

  private ref(ref: string, refs: Set<string>): string {
    const tokens = refTokens(ref);
    if (tokens === undefined) throw new SchemaConversionError(`$ref "${ref}" points to another file that was not read (the notes say why)`);
    if (getAt(this.document, tokens) === undefined) throw new SchemaConversionError(`$ref "${ref}" does not resolve`);
    const canonical = canonicalRef(tokens);
    let entry = this.defs.get(canonical);
    if (!entry) {
      entry = { name: this.allocateName(tokens), tokens };
      this.defs.set(canonical, entry);
    }
    refs.add(canonical);
    return `#/$defs/${entry.name}`;
  }

  private allocateName(tokens: string[]): string {
    const base =
      tokens.length === 3 && tokens[0] === "components" && tokens[1] === "schemas"
        ? tokens[2]!
        : tokens.length === 2 && tokens[0] === "definitions"
          ? tokens[1]!
          : tokens.join("_");
    // Safe in a JSON pointer and a URI fragment as it is: no "/", "~", "%" or "#".
    const clean = base.replace(/[^A-Za-z0-9_.-]/g, "_") || "schema";
    let name = clean;
    for (let n = 2; this.names.has(name); n++) name = `${clean}_${n}`;
    this.names.add(name);
    return name;
  }

  private node(schema: unknown, refs: Set<string>, depth: number): unknown {
    if (typeof schema === "boolean") return schema;
    if (!isObject(schema)) return schema; // not a schema: ajv reports it and the operation is skipped
    if (depth > MAX_DEPTH) throw new SchemaConversionError(`schema nested deeper than ${MAX_DEPTH} levels`);
    const next = (value: unknown) => this.node(value, refs, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) {
      if (DROPPED.has(key) || key.startsWith("x-")) continue;
      if (key === "$ref") {
        if (typeof value === "string") out.$ref = this.ref(value, refs);
      } else if (SCHEMA_MAPS.has(key)) {
        if (isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, next(v)]));
      } else if (SCHEMA_LISTS.has(key)) {
        if (Array.isArray(value)) out[key] = value.map(next);
      } else if (SCHEMA_VALUES.has(key)) {
        out[key] = next(value);
      } else if (key === "items") {
        if (Array.isArray(value)) {
          out.prefixItems = value.map(next);
          if (schema.additionalItems !== undefined) out.items = next(schema.additionalItems);
        } else {
          out.items = next(value);
        }
      } else if (key === "format") {
        if (typeof value === "string" && KNOWN_FORMATS.has(value)) out.format = value;
      } else if (key === "pattern") {
        if (typeof value === "string" && isValidPattern(value)) out.pattern = value;
        else this.note("pattern", String(value));
      } else if (key === "required") {
        // `required: true` on a property is a common 3.0 mistake; it means nothing to JSON Schema.
        if (Array.isArray(value) && value.every((v) => typeof v === "string")) out.required = value;
      } else if (key === "exclusiveMinimum" || key === "exclusiveMaximum") {
        if (typeof value === "number") out[key] = value;
      } else if (key === "examples") {
        if (Array.isArray(value)) out.examples = value;
      } else {
        out[key] = value;
      }
    }

    // OpenAPI 3.0: `exclusiveMinimum: true` qualifies `minimum`.
    for (const [flag, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
      if (schema[flag] === true && typeof schema[bound] === "number") {
        out[flag] = schema[bound];
        delete out[bound];
      }
    }
    if (schema.example !== undefined && out.examples === undefined) out.examples = [schema.example];

    if (isObject(out.properties)) {
      const readOnly = Object.keys(out.properties).filter((name) => {
        const raw = (schema.properties as Record<string, unknown>)[name];
        const target = this.deref(raw);
        return (isObject(raw) && raw.readOnly === true) || (isObject(target) && target.readOnly === true);
      });
      if (readOnly.length > 0) {
        out.properties = Object.fromEntries(Object.entries(out.properties).filter(([name]) => !readOnly.includes(name)));
        if (Array.isArray(out.required)) out.required = (out.required as string[]).filter((name) => !readOnly.includes(name));
      }
    }

    if (schema.nullable === true) return nullable(out);
    return out;
  }
}

/** OpenAPI 3.0 `nullable: true` in 2020-12 terms. */
function nullable(schema: Record<string, unknown>): Record<string, unknown> {
  const addNullToEnum = (s: Record<string, unknown>) => {
    if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
    return s;
  };
  if (typeof schema.type === "string") return addNullToEnum({ ...schema, type: schema.type === "null" ? "null" : [schema.type, "null"] });
  if (Array.isArray(schema.type)) return addNullToEnum({ ...schema, type: schema.type.includes("null") ? schema.type : [...schema.type, "null"] });
  if (Array.isArray(schema.enum)) return addNullToEnum({ ...schema });
  if (schema.$ref !== undefined || schema.allOf !== undefined || schema.oneOf !== undefined || schema.anyOf !== undefined || schema.const !== undefined || schema.not !== undefined) {
    const { description, title, ...rest } = schema;
    return { ...(title !== undefined ? { title } : {}), ...(description !== undefined ? { description } : {}), anyOf: [rest, { type: "null" }] };
  }
  return schema; // no type constraint: null is already allowed
}

function isValidPattern(pattern: string): boolean {
  try {
    // ajv compiles patterns with the "u" flag.
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}
