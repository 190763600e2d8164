import { AppError, type FieldProblem } from "../errors/app-error.ts";
import { parseScopes } from "../scopes/has-scopes.ts";
import { compileRequestTemplate, isTemplateError } from "../templates/index.ts";
import { compileInputSchema } from "../validation/json-schema.ts";
import { undefinedInputPlaceholders } from "./check-input-placeholders.ts";
import { mcpHeaderParams } from "./mcp-header-params.ts";
import { type ToolDefinition, type ToolDefinitionInput, toolDefinitionSchema, zodProblems } from "./tool-definition.ts";
import { isPlainObject } from "../validation/is-plain-object.ts";

/**
 * Everything that can be checked about a tool before it is stored: the definition's shape, the
 * input schema (compiles with ajv), the request templates (compile: no placeholder in the
 * host, secrets only in headers, known variables, `{{input.…}}` names the schema defines) and
 * the scopes. Every problem is reported at once, each naming its field, so a form can mark
 * them all in one round trip.
 */
export function checkToolDefinition(input: ToolDefinitionInput): ToolDefinition {
  const problems: FieldProblem[] = [];
  const parsed = toolDefinitionSchema.safeParse(input);
  if (!parsed.success) problems.push(...zodProblems(parsed.error));
  // The checks below read the parsed definition, or the raw input where it has the right shape.
  const def = (parsed.success ? parsed.data : input) as Partial<ToolDefinition>;
  const inputSchemaOk = isPlainObject(def.inputSchema) && (() => {
    const schema = compileInputSchema(def.inputSchema);
    if (!schema.ok) problems.push({ path: "inputSchema", message: schema.error });
    for (const message of mcpHeaderParams(def.inputSchema).problems) problems.push({ path: "inputSchema", message });
    return schema.ok;
  })();
  if (def.outputSchema !== undefined && isPlainObject(def.outputSchema)) {
    const schema = compileInputSchema(def.outputSchema, "outputSchema");
    if (!schema.ok) problems.push({ path: "outputSchema", message: schema.error });
  }
  let scopes: string[] = [];
  if (Array.isArray(def.requiredScopes) && def.requiredScopes.every((scope) => typeof scope === "string")) {
    const checked = parseScopes(def.requiredScopes);
    if (checked.ok) scopes = checked.scopes;
    else problems.push({ path: "requiredScopes", message: `${checked.invalid.join(", ")} (expected resource:read or resource:write)` });
  }
  if (typeof def.url === "string" && typeof def.method === "string") {
    try {
      const compiled = compileRequestTemplate({ method: def.method, url: def.url, query: def.query, headers: def.headers, body: def.body as never, ...(def.bodyEncoding ? { bodyEncoding: def.bodyEncoding } : {}) });
      if (inputSchemaOk) problems.push(...undefinedInputPlaceholders(def.inputSchema, compiled.inputRefs));
    } catch (error) {
      if (!isTemplateError(error)) throw error;
      problems.push({ path: error.path, message: error.message });
    }
  }
  // The outbound auth sets its header itself; a template header of the same name would make
  // two headers, of which the upstream may honour either.
  const auth = def.auth;
  const authHeader = auth?.type === "bearer" || auth?.type === "bearer+hmac" ? "authorization" : auth?.type === "header" && typeof auth.name === "string" ? auth.name.toLowerCase() : undefined;
  if (authHeader && isPlainObject(def.headers) && Object.keys(def.headers).some((h) => h.toLowerCase() === authHeader)) {
    problems.push({ path: `headers.${authHeader}`, message: `set by auth.type "${auth?.type}"; remove it from headers` });
  }
  if (problems.length || !parsed.success) throw invalidDefinition(problems);
  return { ...parsed.data, requiredScopes: scopes };
}


/** The one error of a refused definition: the message for people, the problems for forms. */
function invalidDefinition(problems: FieldProblem[]): AppError {
  return new AppError("bad_request", `invalid tool definition: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, { reason: "invalid_tool_definition", problems });
}
