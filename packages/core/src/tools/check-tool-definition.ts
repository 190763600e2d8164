import { AppError, type FieldProblem } from "../errors/app-error.ts";
import { parseScopes } from "../scopes/has-scopes.ts";
import { compileRequestTemplate, isTemplateError } from "../templates/index.ts";
import { compileInputSchema } from "../validation/json-schema.ts";
import { type ToolDefinition, type ToolDefinitionInput, toolDefinitionSchema, zodProblems } from "./tool-definition.ts";

/**
 * Everything that can be checked about a tool before it is stored: the definition's shape, the
 * input schema (compiles with ajv), the request templates (compile: no placeholder in the
 * host, secrets only in headers, known variables) and the scopes. Errors name the field.
 */
export function checkToolDefinition(input: ToolDefinitionInput): ToolDefinition {
  const parsed = toolDefinitionSchema.safeParse(input);
  if (!parsed.success) throw invalidDefinition(zodProblems(parsed.error));
  const def = parsed.data;
  const schema = compileInputSchema(def.inputSchema);
  if (!schema.ok) throw invalidDefinition([{ path: "inputSchema", message: schema.error }]);
  const scopes = parseScopes(def.requiredScopes);
  if (!scopes.ok) throw invalidDefinition([{ path: "requiredScopes", message: `${scopes.invalid.join(", ")} (expected resource:read or resource:write)` }]);
  try {
    compileRequestTemplate({ method: def.method, url: def.url, query: def.query, headers: def.headers, body: def.body as never, ...(def.bodyEncoding ? { bodyEncoding: def.bodyEncoding } : {}) });
  } catch (error) {
    if (isTemplateError(error)) throw invalidDefinition([{ path: error.path, message: error.message }]);
    throw error;
  }
  // The outbound auth sets its header itself; a template header of the same name would make
  // two headers, of which the upstream may honour either.
  const authHeader = def.auth.type === "bearer" || def.auth.type === "bearer+hmac" ? "authorization" : def.auth.type === "header" ? def.auth.name.toLowerCase() : undefined;
  if (authHeader && Object.keys(def.headers ?? {}).some((h) => h.toLowerCase() === authHeader)) {
    throw invalidDefinition([{ path: `headers.${authHeader}`, message: `set by auth.type "${def.auth.type}"; remove it from headers` }]);
  }
  return { ...def, requiredScopes: scopes.scopes };
}

/** The one error of a refused definition: the message for people, the problems for forms. */
function invalidDefinition(problems: FieldProblem[]): AppError {
  return new AppError("bad_request", `invalid tool definition: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, { reason: "invalid_tool_definition", problems });
}
