import type { FieldProblem } from "../errors/app-error.ts";

type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `{{input.a.b}}` placeholders that name a property the input schema does not define: a typo
 * (`{{input.idd}}`) would otherwise render as an empty value on every call. A level is only
 * judged when it lists its `properties` and allows nothing else by name — no composition
 * (`allOf`/`anyOf`/`oneOf`/`$ref`), no `patternProperties`, no `additionalProperties` other than false.
 */
export function undefinedInputPlaceholders(inputSchema: unknown, refs: readonly { path: readonly string[]; raw: string; where: string }[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const ref of refs) {
    let schema: unknown = inputSchema;
    for (const [depth, key] of ref.path.entries()) {
      if (!isObject(schema)) break;
      if (schema.type === "array") {
        if (!/^\d+$/.test(key)) break;
        schema = schema.items;
        continue;
      }
      if (!judgeable(schema)) break;
      const properties = schema.properties as Schema;
      if (!Object.hasOwn(properties, key)) {
        const at = depth === 0 ? "the input schema" : `input.${ref.path.slice(0, depth).join(".")}`;
        const known = Object.keys(properties);
        problems.push({ path: ref.where, message: `{{${ref.raw}}} uses "${key}", which ${at} does not define${known.length ? ` (it has ${known.map((k) => `"${k}"`).join(", ")})` : ""}` });
        break;
      }
      schema = properties[key];
    }
  }
  return problems;
}

function judgeable(schema: Schema): boolean {
  if (!isObject(schema.properties)) return false;
  if ("additionalProperties" in schema && schema.additionalProperties !== false) return false;
  return !["allOf", "anyOf", "oneOf", "$ref", "patternProperties", "if", "dependentSchemas"].some((keyword) => keyword in schema);
}
