import { isObject } from "../openapi/json-pointer.ts";

/**
 * Words an input schema carries about what a tool does, beyond its parameter names: the body's
 * schema names (`#/$defs/io.k8s.api.core.v1.ResourceQuota` → ResourceQuota, and the schemas its
 * properties refer to), its property names, and string enum values of the body and the
 * parameters (a commit status's `state: error | failure | pending | success`, a review's
 * `event: APPROVE | REQUEST_CHANGES | COMMENT`). These are the API's own vocabulary.
 *
 * Schema descriptions are left out: measured, their prose ("…the set of objects that exist…")
 * gave rare filler words a weight they do not deserve and cost more than it found.
 * Bounded: `$ref`s are followed `MAX_DEPTH` levels of properties into the body, each once.
 */
const MAX_DEPTH = 1;
const MAX_ENUM_VALUE = 40;
const PARTS = ["pathParams", "query", "headers"];

type Schema = Record<string, unknown>;

/** String enum values of the path, query and header parameters. */
export function parameterValues(inputSchema: Schema): string {
  const out: string[] = [];
  const properties = isObject(inputSchema.properties) ? inputSchema.properties : {};
  for (const part of PARTS) {
    const sub = properties[part];
    if (!isObject(sub) || !isObject(sub.properties)) continue;
    for (const parameter of Object.values(sub.properties)) if (isObject(parameter)) enumValues(parameter, out);
  }
  return out.join(" ");
}

/** The body's schema names, property names and string enum values. */
export function bodyWords(inputSchema: Schema): string {
  const defs = isObject(inputSchema.$defs) ? inputSchema.$defs : {};
  const properties = isObject(inputSchema.properties) ? inputSchema.properties : {};
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (schema: unknown, depth: number): void => {
    if (!isObject(schema)) return;
    if (typeof schema.$ref === "string") {
      const name = schema.$ref.replace(/^#\/\$defs\//, "");
      if (seen.has(name)) return;
      seen.add(name);
      out.push(name.slice(name.lastIndexOf(".") + 1));
      return visit(defs[name], depth);
    }
    enumValues(schema, out);
    for (const key of ["allOf", "oneOf", "anyOf"]) if (Array.isArray(schema[key])) for (const branch of schema[key]) visit(branch, depth);
    if (isObject(schema.items)) visit(schema.items, depth);
    if (depth >= MAX_DEPTH || !isObject(schema.properties)) return;
    for (const [name, property] of Object.entries(schema.properties)) {
      out.push(name);
      visit(property, depth + 1);
    }
  };
  visit(properties.body, 0);
  return out.join(" ");
}

function enumValues(schema: Schema, out: string[]): void {
  if (Array.isArray(schema.enum)) for (const value of schema.enum) if (typeof value === "string" && value.length <= MAX_ENUM_VALUE) out.push(value);
}
