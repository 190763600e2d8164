/**
 * What the import preview shows, and the pure helpers that build and search it. Shared by the
 * server action (which builds it from the core's ImportPlan) and the client (which renders it).
 * Each added or changed tool carries its operation (method, path, tags) for choosing, and its
 * description and input schema for the preview, within a size budget: a document like GitHub's
 * has about a thousand operations, and all their schemas would make a payload of many megabytes.
 */
export type SourceKind = "url" | "file" | "paste";

export type ImportFormat = "openapi-3.0" | "openapi-3.1" | "swagger-2.0";

export type PreviewTool = {
  name: string;
  title?: string;
  method: string;
  url: string;
  scopes: string[];
  /** the operation's path as in the document, and its tags: what the chooser filters on */
  path?: string;
  tags?: string[];
  /** absent when the preview's size budget was spent (see PlanPreview.detailsOmitted) */
  description?: string;
  inputSchema?: Record<string, unknown>;
};

/** Description and input schema travel for tools until this many bytes of them were sent. */
export const PREVIEW_DETAILS_BUDGET = 2 * 1024 * 1024;

/** `GET /pets/{id}`: the key of an operation in a selection (the core's operationKey). */
export { operationKey } from "@tengine/core/openapi/select-operations";

/** A `{variable}` of the document's server URL (see the core's ServerVariableView). */
export type ServerVariable = { name: string; default?: string; enum?: string[]; description?: string };
export type ServerInfo = { url: string; variables: ServerVariable[] };

/**
 * A failed plan whose base URL could not be made from the document's server carries that server
 * (JSON) under this field-error key, so the form can show a field per variable.
 */
export const SERVER_FIELD = "server";

/** The server a failed plan sent back (see SERVER_FIELD); undefined when absent or malformed. */
export function serverFromFieldErrors(fieldErrors: Record<string, string> | undefined): ServerInfo | undefined {
  const raw = fieldErrors?.[SERVER_FIELD];
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as ServerInfo;
    return typeof value?.url === "string" && Array.isArray(value.variables) ? value : undefined;
  } catch {
    return undefined;
  }
}

export type PlanPreview = {
  format: ImportFormat;
  title?: string;
  baseUrl: string;
  /** The document's server when it has `{variables}`: the form offers a field for each. */
  server?: ServerInfo;
  /** the URL or file name the document came from */
  sourceName?: string;
  added: PreviewTool[];
  /** `fields` differ from the tool now; `kept` are fields where the admin's edit wins over the document */
  changed: Array<PreviewTool & { fields: string[]; kept?: string[] }>;
  removed: Array<{ name: string; method?: string; url?: string }>;
  unchanged: string[];
  skipped: Array<{ operation: string; reason: string }>;
  notes: string[];
  /** how many tools' description and schema were left out to keep the preview small */
  detailsOmitted?: number;
  /** fingerprint of everything the import would write; apply refuses if a re-plan differs */
  fingerprint: string;
};

export const FORMAT_LABELS: Record<ImportFormat, string> = {
  "openapi-3.0": "OpenAPI 3.0",
  "openapi-3.1": "OpenAPI 3.1",
  "swagger-2.0": "Swagger 2.0",
};

/** The biggest document the flow accepts (the upload and paste are checked before sending). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

type DefinitionLike = { name: string; title?: string; method: string; url: string; requiredScopes?: string[] };

export function toPreviewTool(definition: DefinitionLike): PreviewTool {
  return {
    name: definition.name,
    ...(definition.title ? { title: definition.title } : {}),
    method: definition.method.toUpperCase(),
    url: definition.url,
    scopes: definition.requiredScopes ?? [],
  };
}

/** Whether applying would write anything at all. */
export function hasChanges(preview: Pick<PlanPreview, "added" | "changed" | "removed">): boolean {
  return preview.added.length + preview.changed.length + preview.removed.length > 0;
}

/** Every word of the query must appear in the row's text (case-insensitive). */
export function matchesQuery(text: string, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = text.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export function toolText(tool: Partial<PreviewTool> & { name: string; fields?: string[] }): string {
  return [tool.name, tool.title, tool.method, tool.url, ...(tool.tags ?? []), ...(tool.scopes ?? []), ...(tool.fields ?? [])].filter(Boolean).join(" ");
}

export { plural } from "../format/plural.ts";

/** "12.3 MB" for a byte count. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A JSON pointer as a path people read: `/paths/~1pets/get` → `paths › /pets › get`. */
export function readablePointer(pointer: string): string {
  if (pointer === "" || pointer === "/") return "the top level";
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(" › ");
}

/** The lines around `line` (1-based) of `text`, for showing where a syntax error is. */
export function excerptAround(text: string, line: number, context = 2): Array<{ number: number; text: string }> {
  const lines = text.split(/\r?\n/);
  if (line < 1 || line > lines.length) return [];
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + 1);
  const out: Array<{ number: number; text: string }> = [];
  for (let n = from; n <= to; n++) out.push({ number: n, text: (lines[n - 1] ?? "").slice(0, 300) });
  return out;
}

/** A tool URL template as people read it: `/contacts/{{input.pathParams.id}}` → `/contacts/{id}`. */
export function readableUrl(url: string): string {
  return url.replace(/\{\{\s*input\.pathParams\.([^}\s]+)\s*\}\}/g, "{$1}");
}
