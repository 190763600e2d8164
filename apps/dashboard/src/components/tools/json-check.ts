import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number };

/**
 * JSON.parse with the error's line and column: engines say either "at position N" (V8),
 * "(line L column C)" (newer V8) or "at line L column C" (Firefox).
 */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const lineCol = /line (\d+) column (\d+)/.exec(raw);
    const position = /position (\d+)/.exec(raw);
    let line: number | undefined;
    let column: number | undefined;
    if (lineCol) {
      line = Number(lineCol[1]);
      column = Number(lineCol[2]);
    } else if (position) {
      const before = text.slice(0, Number(position[1]));
      line = before.split("\n").length;
      column = before.length - before.lastIndexOf("\n");
    } else if (/end of (JSON|data)|Unexpected end/i.test(raw)) {
      const lines = text.split("\n");
      line = lines.length;
      column = (lines.at(-1)?.length ?? 0) + 1;
    }
    // The engine's wording without its own location suffix ("… in JSON at position 12 (line 2 column 3)").
    const message = raw
      .replace(/^JSON\.parse: /, "")
      .replace(/ (in JSON )?at position \d+.*$/, "")
      .replace(/ at line \d+ column \d+ of the JSON data$/, "")
      .replace(/ \(line \d+ column \d+\)$/, "");
    return { ok: false, message, ...(line ? { line, column } : {}) };
  }
}

export type SchemaCheck =
  | { state: "ok"; properties: SchemaProperty[] }
  | { state: "json-error"; message: string }
  | { state: "schema-error"; message: string };

export type SchemaProperty = { name: string; type?: string; required: boolean; description?: string };

// One instance for the page; options as the gateway's (packages/core validation/json-schema.ts).
let ajv: Ajv2020 | undefined;

/**
 * What the gateway will think of an input schema, as the admin types: valid JSON, an object
 * schema (`"type": "object"`, MCP arguments are an object), and compiles as JSON Schema 2020-12.
 */
export function checkInputSchema(text: string): SchemaCheck {
  const parsed = parseJson(text);
  if (!parsed.ok) return { state: "json-error", message: describeJsonError(parsed) };
  const schema = parsed.value;
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return { state: "schema-error", message: "The input schema must be a JSON object." };
  if ((schema as { type?: unknown }).type !== "object") return { state: "schema-error", message: 'The input schema must have "type": "object" (MCP tool arguments are an object).' };
  try {
    ajv ??= new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const copy = { ...(schema as object), $id: undefined };
    // Check against the 2020-12 meta-schema first: its errors point at the offending keyword.
    if (!ajv.validateSchema(copy)) return { state: "schema-error", message: `Not a valid JSON Schema: ${describeMetaErrors(ajv.errors ?? [])}` };
    ajv.compile(copy);
    ajv.removeSchema(copy);
  } catch (error) {
    return { state: "schema-error", message: `Not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { state: "ok", properties: schemaProperties(schema as Record<string, unknown>) };
}

/** The most specific meta-schema errors, one per place: "at /properties/id/type: must be one of …". */
function describeMetaErrors(errors: ErrorObject[]): string {
  const byPath = new Map<string, string>();
  for (const e of errors) {
    const path = e.instancePath || "(root)";
    if (byPath.has(path)) continue;
    const allowed = e.keyword === "enum" ? ` ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}` : "";
    byPath.set(path, `at ${path}: ${e.message ?? "is invalid"}${allowed}`);
  }
  return [...byPath.values()].slice(0, 3).join("; ") || "schema is invalid";
}

export function describeJsonError(error: { message: string; line?: number; column?: number }) {
  return error.line ? `Line ${error.line}, column ${error.column}: ${error.message}` : error.message;
}

/** The top-level properties of an object schema, required ones first. */
export function schemaProperties(schema: Record<string, unknown>): SchemaProperty[] {
  const properties = (schema.properties && typeof schema.properties === "object" ? schema.properties : {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties)
    .map(([name, p]) => ({
      name,
      type: typeof p?.type === "string" ? p.type : Array.isArray(p?.type) ? (p.type as string[]).join(" | ") : undefined,
      required: required.has(name),
      description: typeof p?.description === "string" ? p.description : undefined,
    }))
    .sort((a, b) => Number(b.required) - Number(a.required));
}

/** A starting value for one property: its default, first example or enum value, else by type. */
export function sampleValue(property: unknown): unknown {
  const p = (property ?? {}) as Record<string, unknown>;
  if (p.default !== undefined) return p.default;
  if (Array.isArray(p.examples) && p.examples.length) return p.examples[0];
  if (Array.isArray(p.enum) && p.enum.length) return p.enum[0];
  if (p.const !== undefined) return p.const;
  const type = Array.isArray(p.type) ? p.type.find((t) => t !== "null") : p.type;
  switch (type) {
    case "integer":
    case "number":
      return typeof p.minimum === "number" ? p.minimum : 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return argumentsSkeleton(p);
    case "null":
      return null;
    default:
      return "";
  }
}

/** Arguments to start "Try it" with: the required properties of the schema, each with a sample. */
export function argumentsSkeleton(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties && typeof schema.properties === "object" ? schema.properties : {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const out: Record<string, unknown> = {};
  for (const name of required) if (name in properties) out[name] = sampleValue(properties[name]);
  return out;
}
