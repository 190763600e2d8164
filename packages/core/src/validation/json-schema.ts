import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/**
 * One Ajv instance per process (building one is expensive); each tool's schema is compiled
 * once per tool version by the tool cache, never per call.
 */
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv);

/**
 * Compiles a tool's input schema (or, with `field` "outputSchema", its output schema: MCP
 * structured results are objects too).
 */
export function compileInputSchema(schema: unknown, field: "inputSchema" | "outputSchema" = "inputSchema"): { ok: true; validate: ValidateFunction } | { ok: false; error: string } {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return { ok: false, error: `${field} must be a JSON Schema object` };
  if ((schema as { type?: unknown }).type !== "object") return { ok: false, error: `${field} must have "type": "object" (MCP tool ${field === "inputSchema" ? "arguments" : "structured results"} are an object)` };
  try {
    // Schemas of different tools may reuse $ids, and Ajv caches every compiled schema for
    // ever: compile a copy without $id and drop it from the cache (the function stays usable).
    const copy = { ...(schema as object), $id: undefined };
    const validate = ajv.compile(copy);
    ajv.removeSchema(copy);
    return { ok: true, validate };
  } catch (error) {
    return { ok: false, error: `${field} is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** "…: /email must match format "email"; (root) must have required property 'name'" */
export function describeValidationErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || "(root)";
    if (e.keyword === "additionalProperties") return `${where} must not have property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === "enum") return `${where} ${e.message}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    return `${where} ${e.message ?? "is invalid"}`;
  });
}
