import { isObject } from "../openapi/json-pointer.ts";

/**
 * Text an input schema carries about what a tool does, beyond its parameter names: the body's
 * schema name (`#/$defs/io.k8s.api.core.v1.ResourceQuota` → ResourceQuota), the first sentence of
 * the descriptions of the body, of its properties and of the parameters, and string enum values
 * (`state: error | failure | pending | success`). A Kubernetes create operation says only
 * "create a ResourceQuota"; its body's schema says "ResourceQuota sets aggregate quota
 * restrictions enforced per namespace", which is how people ask for it.
 *
 * Bounded: `$ref`s are followed `MAX_DEPTH` levels into the body (each definition once), and only
 * a description's first sentence (at most `MAX_SENTENCE` characters) is read, so a large schema
 * does not drown the tool's own words.
 */
const MAX_DEPTH = 1;
const MAX_SENTENCE = 200;
const PARTS = ["pathParams", "query", "headers"];

type Schema = Record<string, unknown>;

/** The parameters' descriptions and enum values. */
export function parameterText(inputSchema: Schema): string {
  const out: string[] = [];
  const properties = isObject(inputSchema.properties) ? inputSchema.properties : {};
  for (const part of PARTS) {
    const sub = properties[part];
    if (!isObject(sub) || !isObject(sub.properties)) continue;
    for (const parameter of Object.values(sub.properties)) if (isObject(parameter)) describe(parameter, out);
  }
  return out.join(" ");
}

/** The body's schema names, property names, descriptions and enum values. */
export function bodyText(inputSchema: Schema): string {
  const defs = (isObject(inputSchema.$defs) ? inputSchema.$defs : {}) as Record<string, unknown>;
  const properties = isObject(inputSchema.properties) ? inputSchema.properties : {};
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (schema: unknown, depth: number) => {
    if (!isObject(schema)) return;
    const ref = typeof schema.$ref === "string" ? schema.$ref : undefined;
    if (ref) {
      const name = ref.replace(/^#\/\$defs\//, "");
      if (seen.has(name)) return;
      seen.add(name);
      out.push(name.slice(name.lastIndexOf(".") + 1));
      return visit(defs[name], depth);
    }
    describe(schema, out);
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

function describe(schema: Schema, out: string[]): void {
  if (typeof schema.description === "string") out.push(firstSentence(schema.description));
  if (Array.isArray(schema.enum)) for (const value of schema.enum) if (typeof value === "string" && value.length <= 40) out.push(value);
}

function firstSentence(text: string): string {
  const end = text.search(/[.!?](?:\s|$)/);
  const sentence = end >= 0 ? text.slice(0, end) : text;
  return sentence.length <= MAX_SENTENCE ? sentence : sentence.slice(0, MAX_SENTENCE).replace(/\s+\S*$/, "");
}
