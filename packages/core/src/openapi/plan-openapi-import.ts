import type { Db, Tool } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { canonicalJson } from "../idempotency/canonical-json.ts";
import { authTypeFromDb, type ToolDefinition, type ToolDefinitionInput, toolDefinitionSchema } from "../tools/tool-definition.ts";
import { parseBodyEncoding } from "../templates/body-encoding.ts";
import type { ExternalRefSource } from "./external-ref-source.ts";
import { type DocumentServer, generateTools, listOperations, type OperationRef } from "./generate-tools.ts";
import { isObject } from "./json-pointer.ts";
import { type OpenApiFormat, operationLabel, parseOpenApiDocument } from "./parse-openapi-document.ts";

export type OpenApiSourceKind = "url" | "file" | "paste";

export type PlanOpenApiImportInput = {
  /** JSON or YAML text, or the parsed object. */
  document: string | object;
  sourceKind: OpenApiSourceKind;
  /** File name or URL, shown in the import history. */
  sourceName?: string;
  /** Overrides the document's `servers`. */
  baseUrl?: string;
  /** Where the document was fetched from: relative server URLs resolve against it. */
  documentUrl?: string;
  /** Values for the server URL's `{variables}`, instead of their defaults. */
  serverVariables?: Record<string, string>;
  /** Where references to other files are read from: the document's URL or folder (none for a paste). */
  externalRefs?: ExternalRefSource;
};

/** Where an added or changed tool comes from; stored on the tool by the apply step. */
export type PlannedOperation = { method: string; path: string; operationId?: string; tags?: string[] };

export type ImportPlan = {
  format: OpenApiFormat;
  title?: string;
  baseUrl: string;
  /** The document's own server and its `{variables}` (the import form offers a field for each). */
  server?: DocumentServer;
  /** New tools, complete definitions (auth `none`: the admin sets it after the import). */
  added: ToolDefinitionInput[];
  /**
   * Tools whose definition the document changes. `definition` is what will be stored (admin
   * overrides included); `fields` are the fields that differ from the tool now; `kept` the
   * fields where the admin's value was kept over the document's.
   */
  changed: Array<{
    name: string;
    toolId: string;
    fields: string[];
    definition: ToolDefinitionInput;
    kept?: string[];
    /** What the document alone generated, when it differs from `definition` (overrides kept). */
    importedDefinition?: ToolDefinitionInput;
  }>;
  /** Tools imported from this document earlier whose operation is gone. */
  removed: Array<{ name: string; toolId: string }>;
  /** Names of tools the import leaves exactly as they are. */
  unchanged: string[];
  skipped: Array<{ operation: string; reason: string }>;
  notes: string[];
  /** By tool name, for every added and changed tool: the operation it was generated from. */
  operations: Record<string, PlannedOperation>;
  /** Operations left out by a selection (`narrowImportPlan`): their tools are not added or changed. */
  notSelected?: string[];
};

/**
 * Fields an admin may set on an imported tool and a re-import keeps: when the tool's value
 * differs from what the last import generated, the admin changed it. `name` is kept the same
 * way (see pickName).
 */
const OVERRIDABLE = ["enabled", "requiresApproval", "requiredScopes", "auth", "timeoutMs", "maxAttempts", "maxResponseBytes", "idempotencyWindowSec"] as const;
const COMPARED = ["name", "title", "description", "enabled", "inputSchema", "annotations", "requiredScopes", "requiresApproval", "method", "url", "query", "headers", "body", "bodyEncoding", "auth", "timeoutMs", "maxAttempts", "maxResponseBytes", "idempotencyWindowSec"] as const;
type Field = (typeof COMPARED)[number];

/**
 * What importing a document would do to a project (DESIGN §12), without writing anything:
 * tools added, changed (with the fields) and removed, unchanged, operations skipped with the
 * reason, and notes. Apply it with `applyOpenApiImport`.
 *
 * A re-import recognises its tools among the project's OpenAPI tools imported from a document
 * with the same `info.title`: by `operationId`, else by method and path. Tools of other
 * documents and hand-made tools are never changed or removed; their names are avoided.
 * Admin overrides (enabled, approval, scopes, auth, timeout, attempts, limits, a rename) are
 * kept and are not changes. Importing the same document twice plans no change.
 *
 * @throws {OpenApiImportError} when the document cannot be imported at all (with its location).
 */
export async function planOpenApiImport(db: Db, projectId: string, input: PlanOpenApiImportInput): Promise<ImportPlan> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { id: true } });
  if (!project) throw new AppError("not_found", "project not found");
  const parsed = await parseOpenApiDocument(input.document, input.externalRefs ? { externalRefs: input.externalRefs } : {});

  const tools = await db.tool.findMany({ where: { projectId }, orderBy: { id: "asc" } });
  const importIds = [...new Set(tools.flatMap((t) => (t.source === "openapi" && t.importId ? [t.importId] : [])))];
  const imports = importIds.length ? await db.toolImport.findMany({ where: { projectId, id: { in: importIds } }, select: { id: true, title: true, baseUrl: true } }) : [];
  const importById = new Map(imports.map((i) => [i.id, i]));
  const sameDocument = (tool: Tool) => {
    const from = tool.importId ? importById.get(tool.importId) : undefined;
    return !!from && !!parsed.title && (from.title ?? "").trim().toLowerCase() === parsed.title.toLowerCase();
  };
  const pool = tools.filter((t) => t.source === "openapi" && sameDocument(t));
  const others = tools.filter((t) => !pool.includes(t));
  const notes: string[] = [];
  const otherImported = others.filter((t) => t.source === "openapi");
  if (otherImported.length > 0) {
    notes.push(`${otherImported.length} tool${otherImported.length === 1 ? "" : "s"} imported from other documents ${otherImported.length === 1 ? "is" : "are"} left as ${otherImported.length === 1 ? "it is" : "they are"} (re-imports match tools by the document title "${parsed.title ?? ""}")`);
  }

  // ------------------------------------------------ match operations to the tools they made before
  const operations = listOperations(parsed);
  const matches = new Map<string, Tool>();
  const matched = new Set<string>();
  const byOperationId = new Map<string, Tool[]>();
  for (const tool of pool) if (tool.operationId) byOperationId.set(tool.operationId, [...(byOperationId.get(tool.operationId) ?? []), tool]);
  const idCounts = new Map<string, number>();
  for (const op of operations) if (op.operationId) idCounts.set(op.operationId, (idCounts.get(op.operationId) ?? 0) + 1);
  for (const op of operations) {
    if (!op.operationId || idCounts.get(op.operationId) !== 1) continue;
    const candidates = (byOperationId.get(op.operationId) ?? []).filter((t) => !matched.has(t.id));
    if (candidates.length === 1) {
      matches.set(operationLabel(op.method, op.path), candidates[0]!);
      matched.add(candidates[0]!.id);
    }
  }
  for (const op of operations) {
    const key = operationLabel(op.method, op.path);
    if (matches.has(key)) continue;
    const shape = pathShape(op.path);
    const found = pool.find((t) => !matched.has(t.id) && t.method === op.method && toolPathShapes(t, importById.get(t.importId ?? "")?.baseUrl).includes(shape));
    if (found) {
      matches.set(key, found);
      matched.add(found.id);
    }
  }

  const generated = generateTools(parsed, {
    ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}),
    ...(input.documentUrl !== undefined ? { documentUrl: input.documentUrl } : {}),
    ...(input.serverVariables !== undefined ? { serverVariables: input.serverVariables } : {}),
    takenNames: others.map((t) => t.name),
    pickName: (op: OperationRef, baseName: string) => {
      const tool = matches.get(operationLabel(op.method, op.path));
      if (!tool) return undefined;
      const imported = importedOf(tool);
      if (!imported) return tool.name;
      // Renamed by the admin: keep. Same name as the summary still gives: keep it (with its
      // `_2` suffix, so two operations with the same summary do not swap names).
      if (tool.name !== imported.name) return tool.name;
      if (imported.name.replace(/_\d+$/, "") === baseName || imported.name === baseName) return tool.name;
      return undefined;
    },
  });

  const plan: ImportPlan = {
    format: generated.format,
    ...(generated.title ? { title: generated.title } : {}),
    baseUrl: generated.baseUrl,
    ...(generated.server ? { server: generated.server } : {}),
    added: [],
    changed: [],
    removed: [],
    unchanged: [],
    skipped: generated.skipped,
    notes: [...generated.notes, ...notes],
    operations: {},
  };
  for (const tool of generated.tools) {
    const existing = matches.get(operationLabel(tool.method, tool.path));
    const source: PlannedOperation = { method: tool.method, path: tool.path, ...(tool.operationId ? { operationId: tool.operationId } : {}), ...(tool.tags ? { tags: tool.tags } : {}) };
    if (!existing) {
      plan.added.push(tool.definition);
      plan.operations[tool.definition.name] = source;
      continue;
    }
    const current = definitionOf(existing);
    const fresh = normalise(tool.definition);
    const previous = importedOf(existing);
    const imported = (previous && tryNormalise(previous)) ?? fresh;
    const kept: Field[] = [];
    const final: ToolDefinition = { ...fresh, name: tool.definition.name };
    for (const field of OVERRIDABLE) {
      if (!same(current[field], imported[field]) || (field === "auth" && !same(current.auth, fresh.auth))) {
        (final as Record<string, unknown>)[field] = current[field];
        if (!same(current[field], fresh[field])) kept.push(field);
      }
    }
    if (previous && previous.name !== existing.name) kept.push("name");
    const fields = COMPARED.filter((field) => !same(final[field], current[field]));
    if (fields.length === 0) {
      plan.unchanged.push(existing.name);
      continue;
    }
    const definition = toInput(final, existing);
    plan.changed.push({
      name: final.name,
      toolId: existing.id,
      fields,
      definition,
      ...(kept.length ? { kept, importedDefinition: tool.definition } : {}),
    });
    plan.operations[final.name] = source;
  }
  for (const tool of pool) if (!matched.has(tool.id)) plan.removed.push({ name: tool.name, toolId: tool.id });
  return plan;
}

// ---------------------------------------------------------------- comparing definitions

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** A definition with every default filled in, for comparing with stored tools. */
function normalise(input: ToolDefinitionInput): ToolDefinition {
  const parsed = toolDefinitionSchema.safeParse(input);
  if (!parsed.success) throw new AppError("bad_request", `generated tool ${input.name} is invalid`);
  const def = parsed.data;
  // Secrets never take part in a comparison: only the auth type (and header name) do.
  return { ...def, auth: authShape(def.auth) as ToolDefinition["auth"] };
}

function tryNormalise(input: ToolDefinitionInput): ToolDefinition | undefined {
  try {
    return normalise(input);
  } catch {
    return undefined;
  }
}

function authShape(auth: { type: string; name?: string }): { type: string; name?: string } {
  return auth.type === "header" ? { type: auth.type, name: auth.name } : { type: auth.type };
}

/** A stored tool as a definition (auth without its secret). */
function definitionOf(tool: Tool): ToolDefinition {
  const config = tool.authConfig as { headerName?: string };
  const type = authTypeFromDb(tool.authType);
  return {
    name: tool.name,
    ...(tool.title !== null ? { title: tool.title } : {}),
    description: tool.description,
    enabled: tool.enabled,
    inputSchema: tool.inputSchema as Record<string, unknown>,
    annotations: tool.annotations as ToolDefinition["annotations"],
    requiredScopes: tool.requiredScopes,
    requiresApproval: tool.requiresApproval,
    method: tool.method as ToolDefinition["method"],
    url: tool.url,
    ...(tool.query !== null ? { query: tool.query as Record<string, string> } : {}),
    ...(tool.headers !== null ? { headers: tool.headers as Record<string, string> } : {}),
    ...(tool.body !== null ? { body: tool.body as ToolDefinition["body"] } : {}),
    ...(tool.bodyEncoding !== null ? { bodyEncoding: parseBodyEncoding(tool.bodyEncoding) } : {}),
    auth: authShape({ type, ...(config.headerName ? { name: config.headerName } : {}) }) as ToolDefinition["auth"],
    timeoutMs: tool.timeoutMs,
    maxAttempts: tool.maxAttempts,
    maxResponseBytes: tool.maxResponseBytes,
    idempotencyWindowSec: tool.idempotencyWindowSec,
  };
}

function importedOf(tool: Tool): ToolDefinitionInput | undefined {
  return isObject(tool.importedDefinition) ? (tool.importedDefinition as ToolDefinitionInput) : undefined;
}

/**
 * The definition to store. A kept secret-bearing auth has no secret here (secrets are
 * write-only): the apply step keeps the stored one.
 */
function toInput(def: ToolDefinition, existing: Tool): ToolDefinitionInput {
  const { auth, ...rest } = def;
  const type = auth.type;
  const kept =
    type === "bearer" || type === "bearer+hmac"
      ? { type, token: "" }
      : type === "header"
        ? { type, name: (existing.authConfig as { headerName?: string }).headerName ?? "", value: "" }
        : { type };
  return { ...rest, auth: kept as ToolDefinitionInput["auth"] };
}

// ---------------------------------------------------------------- method + path matching

/** `/pets/{petId}` → `/pets/{}`: parameter names do not matter for matching. */
function pathShape(path: string): string {
  return path.replace(/\{[^{}]*\}/g, "{}");
}

/** The path shapes a stored tool may have come from: its URL without the import's base URL. */
function toolPathShapes(tool: Tool, baseUrl: string | undefined): string[] {
  const url = importedOf(tool)?.url ?? tool.url;
  const templated = url.replace(/\{\{\s*input\.pathParams\.[^{}]*\}\}/g, "{}");
  const shapes: string[] = [];
  if (baseUrl && templated.startsWith(baseUrl)) shapes.push(templated.slice(baseUrl.length) || "/");
  try {
    shapes.push(new URL(templated.replace(/\{\}/g, "%7B%7D")).pathname.replace(/%7B%7D/g, "{}"));
  } catch {
    // not a URL: only the base-relative shape
  }
  return shapes;
}
