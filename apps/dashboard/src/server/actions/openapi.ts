"use server";
import { applyOpenApiImport, narrowImportPlan, type DocumentServer, type ExternalRefSource, externalRefsFromUrl, fetchOpenApiDocument, type ImportPlan, importPlanFingerprint, isOpenApiImportError, type OpenApiImportError, planOpenApiImport } from "@tengine/core";
import type { Db } from "@tengine/db";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { MAX_DOCUMENT_BYTES, PREVIEW_DETAILS_BUDGET, type PlanPreview, type PreviewTool, plural, SERVER_FIELD, toPreviewTool } from "@/components/openapi/preview.ts";
import { type ActionResult, withProjectRole } from "../action.ts";
import { getSecretBox } from "../db.ts";
import { dashboardConfig } from "../env.ts";

/*
 * The OpenAPI import flow (DESIGN §12): preview, then apply.
 *
 * Apply never trusts a plan sent by the browser: it re-plans on the server from the same source
 * (the browser sends the uploaded or pasted text again; a URL is fetched again) and applies only
 * if the new plan is exactly the one previewed (same fingerprint). If the document or the
 * project's tools changed in between, the user gets the new preview to review instead. This
 * keeps the server stateless (any dashboard replica can answer either step) at the price of
 * sending the document twice.
 */

const sourceInput = z
  .object({
    sourceKind: z.enum(["url", "file", "paste"]),
    url: z.string().trim().max(2048, "That URL is too long").optional(),
    text: z.string().max(MAX_DOCUMENT_BYTES, "The document is larger than 20 MB").optional(),
    fileName: z.string().trim().max(255).optional(),
    baseUrl: z.string().trim().max(2048, "That URL is too long").optional(),
    /** Values for the `{variables}` of the document's server URL (the form's variable fields). */
    serverVariables: z
      .record(z.string().trim().min(1).max(100), z.string().trim().min(1, "Enter a value").max(500, "That value is too long"))
      .refine((vars) => Object.keys(vars).length <= 50, "Too many server variables")
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.sourceKind === "url") {
      if (!input.url) ctx.addIssue({ code: "custom", path: ["url"], message: "Enter the URL of an OpenAPI document" });
      else if (!isHttpUrl(input.url)) ctx.addIssue({ code: "custom", path: ["url"], message: "Enter a full http:// or https:// URL" });
    } else if (!input.text?.trim()) {
      ctx.addIssue({ code: "custom", path: [input.sourceKind === "file" ? "file" : "text"], message: input.sourceKind === "file" ? "Choose a .json, .yaml or .yml file" : "Paste an OpenAPI document (JSON or YAML)" });
    }
    if (input.baseUrl && !isHttpUrl(input.baseUrl)) ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "Enter a full http:// or https:// URL, e.g. https://api.example.com/v1" });
  });

type SourceInput = z.output<typeof sourceInput>;

/** Reads the document and plans the import; shows what would be added, changed and removed (member+). */
export const planImportAction = withProjectRole("member", sourceInput, async (ctx, input): Promise<ActionResult<PlanPreview>> => {
  const planned = await planFromSource(ctx.db, ctx.project, input);
  if (!planned.ok) {
    // The server's variables travel with the error: the form then shows a field for each.
    const { server, ...failure } = planned;
    return server ? { ...failure, fieldErrors: { ...failure.fieldErrors, [SERVER_FIELD]: JSON.stringify(server) } } : failure;
  }
  return { ok: true, data: await toPreview(ctx.db, ctx.project.id, planned.plan, planned.sourceName) };
});

export type ApplyOutcome =
  | { status: "applied"; importId: string; added: number; changed: number; removed: number; unchanged: number; skipped: number }
  /** the document or the project's tools changed since the preview: here is the new one */
  | { status: "changed"; preview: PlanPreview };

/**
 * Re-plans from the same source and applies it if it is still the plan the user saw (member+).
 * `operations` (keys like `GET /pets`) limits the import to the operations the user chose;
 * absent, every operation is imported. The fingerprint is the whole plan's: the choice only
 * narrows what the user reviewed.
 */
export const applyImportAction = withProjectRole("member", z.object({ source: sourceInput, fingerprint: z.string().regex(/^[0-9a-f]{64}$/), operations: z.array(z.string().max(2100)).max(20_000).optional() }), async (ctx, input): Promise<ActionResult<ApplyOutcome>> => {
  const planned = await planFromSource(ctx.db, ctx.project, input.source);
  if (!planned.ok) return planned;
  const { sourceName } = planned;
  if (fingerprint(planned.plan) !== input.fingerprint) {
    return { ok: true, data: { status: "changed", preview: await toPreview(ctx.db, ctx.project.id, planned.plan, sourceName) } };
  }
  if (input.operations && !input.operations.length) return { ok: false, error: "Choose at least one operation to import." };
  const plan = input.operations ? narrowImportPlan(planned.plan, input.operations) : planned.plan;
  // applyOpenApiImport records the tool_import row and its own audit entry (openapi.import).
  const { importId, summary } = await applyOpenApiImport(ctx.db, getSecretBox(), ctx.project.id, plan, {
    actor: { userId: ctx.user.id, email: ctx.user.email ?? undefined },
    sourceKind: input.source.sourceKind,
    ...(sourceName ? { sourceName } : {}),
  });
  revalidatePath(`/projects/${ctx.project.slug}`, "layout");
  const counts = summary.counts;
  return {
    ok: true,
    data: { status: "applied", importId, ...counts },
    message: `Imported: ${plural(counts.added, "tool")} added, ${counts.changed} changed, ${counts.removed} removed`,
  };
});

type Planned = { ok: true; plan: ImportPlan; sourceName?: string } | { ok: false; error: string; fieldErrors?: Record<string, string>; server?: DocumentServer };

/**
 * The document from its source, planned against the project's tools. Problems the user can fix
 * come back next to their field: an unreachable URL under `url`, a malformed document under
 * `document` (see documentErrors).
 */
async function planFromSource(db: Db, project: { id: string; allowHttpUpstreams: boolean }, input: SourceInput): Promise<Planned> {
  let document: string;
  let sourceName: string | undefined;
  let documentUrl: string | undefined;
  let externalRefs: ExternalRefSource | undefined;
  if (input.sourceKind === "url") {
    try {
      // Plain http only where the project allows http upstreams (its tools would call http too).
      const fetchOptions = { allowPrivate: dashboardConfig().allowPrivateUpstreams, allowlist: dashboardConfig().upstreamAllowlist, allowHttp: project.allowHttpUpstreams };
      const fetched = await fetchOpenApiDocument(input.url!, fetchOptions);
      document = fetched.text;
      documentUrl = fetched.url;
      // Files the document refers to are fetched through the same guard.
      externalRefs = externalRefsFromUrl(fetched.url, fetchOptions);
      sourceName = input.url;
    } catch (error) {
      if (isOpenApiImportError(error)) return { ok: false, error: "The document could not be fetched.", fieldErrors: { url: capitalize(error.message) } };
      throw error;
    }
  } else {
    document = input.text!;
    sourceName = input.sourceKind === "file" ? input.fileName || undefined : undefined;
  }
  try {
    const plan = await planOpenApiImport(db, project.id, {
      document,
      sourceKind: input.sourceKind,
      ...(sourceName ? { sourceName } : {}),
      ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
      ...(documentUrl ? { documentUrl } : {}),
      ...(externalRefs ? { externalRefs } : {}),
      ...(input.serverVariables && Object.keys(input.serverVariables).length ? { serverVariables: input.serverVariables } : {}),
    });
    return { ok: true, plan, ...(sourceName ? { sourceName } : {}) };
  } catch (error) {
    if (isOpenApiImportError(error)) return { ok: false, error: "This document cannot be imported.", fieldErrors: documentErrors(error, input), ...(error.server ? { server: error.server } : {}) };
    throw error;
  }
}

/**
 * A malformed document's error for the form: the message under `document`, its place under
 * `document.line`/`document.column` (syntax errors) and `document.pointer` (JSON pointer).
 * Base URL problems go next to the base URL field.
 */
function documentErrors(error: OpenApiImportError, input: SourceInput): Record<string, string> {
  const message = capitalize(error.message);
  if (input.baseUrl && error.message.startsWith("base URL")) return { baseUrl: message };
  const variable = /^server variable ([^:]+):/.exec(error.message)?.[1] ?? /has a variable without a default \(([^)]+)\)/.exec(error.message)?.[1];
  if (variable) return { [`serverVariables.${variable}`]: message.replace(/: give its value$/, ": enter its value below (or a base URL)") };
  const { line, column, pointer } = error.location;
  return {
    document: message.replace(/ \(--base-url\)/, " (below)"),
    ...(line !== undefined ? { "document.line": String(line) } : {}),
    ...(column !== undefined ? { "document.column": String(column) } : {}),
    ...(pointer ? { "document.pointer": pointer } : {}),
    ...(/give the base URL/.test(error.message) ? { baseUrl: input.sourceKind === "url" ? "This document names no server Tengine can call: enter the API’s base URL." : "This document’s server URL is relative, and a pasted or uploaded document has no address to resolve it against: enter the API’s base URL." } : {}),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Everything the import would write, hashed: equal fingerprints mean the same import. */
function fingerprint(plan: ImportPlan): string {
  return importPlanFingerprint(plan);
}

async function toPreview(db: Db, projectId: string, plan: ImportPlan, sourceName: string | undefined): Promise<PlanPreview> {
  // The plan names removed tools only; the preview also shows what they called.
  const removedRows = plan.removed.length
    ? await db.tool.findMany({ where: { projectId, id: { in: plan.removed.map((r) => r.toolId) } }, select: { id: true, method: true, url: true } })
    : [];
  const removedById = new Map(removedRows.map((r) => [r.id, r]));
  // Description and schema for the preview, until the budget is spent (a huge document then
  // still previews every tool's name, operation and scopes).
  let budget = PREVIEW_DETAILS_BUDGET;
  let detailsOmitted = 0;
  const withOperation = (tool: PreviewTool, definition: { description: string; inputSchema: unknown }): PreviewTool => {
    const op = plan.operations[tool.name];
    const size = definition.description.length + JSON.stringify(definition.inputSchema).length;
    const details = size <= budget ? { description: definition.description, inputSchema: definition.inputSchema as Record<string, unknown> } : undefined;
    if (details) budget -= size;
    else detailsOmitted++;
    return { ...tool, ...(op ? { path: op.path, ...(op.tags?.length ? { tags: op.tags } : {}) } : {}), ...details };
  };
  return {
    format: plan.format,
    ...(plan.title ? { title: plan.title } : {}),
    baseUrl: plan.baseUrl,
    ...(plan.server && plan.server.variables.length ? { server: plan.server } : {}),
    ...(sourceName ? { sourceName } : {}),
    added: plan.added.map((d) => withOperation(toPreviewTool(d), d)),
    changed: plan.changed.map((c) => ({ ...withOperation({ ...toPreviewTool(c.definition), name: c.name }, c.definition), fields: c.fields, ...(c.kept?.length ? { kept: c.kept } : {}) })),
    removed: plan.removed.map((r) => {
      const row = removedById.get(r.toolId);
      return { name: r.name, ...(row ? { method: row.method, url: row.url } : {}) };
    }),
    unchanged: plan.unchanged,
    skipped: plan.skipped,
    notes: plan.notes,
    ...(detailsOmitted ? { detailsOmitted } : {}),
    fingerprint: fingerprint(plan),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
