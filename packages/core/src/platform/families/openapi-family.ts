import { z } from "zod";
import { AppError } from "../../errors/app-error.ts";
import { applyOpenApiImport } from "../../openapi/apply-openapi-import.ts";
import { importPlanFingerprint } from "../../openapi/import-plan-fingerprint.ts";
import { type ImportPlan, planOpenApiImport } from "../../openapi/plan-openapi-import.ts";
import { isOpenApiImportError } from "../../openapi/openapi-import-error.ts";
import type { PlatformCall, PlatformHandler } from "../platform-call.ts";
import { requireData, requireId } from "./family-input.ts";

const source = z
  .object({
    document: z.string().min(1).max(20 * 1024 * 1024),
    baseUrl: z.string().url().max(2048).optional(),
    /** Values for the `{variables}` of the document's server URL (defaults otherwise). */
    serverVariables: z.record(z.string().min(1).max(100), z.string().min(1).max(500)).optional(),
    sourceName: z.string().max(255).optional(),
  })
  .strict();

/**
 * `tengine.platform/openapi`: the dashboard importer's plan → apply, by plan id. `plan` reads
 * the document (`data.document`, JSON or YAML text) and answers what would be added, changed
 * and removed with the plan's id; `apply` gets the same `data` and that id, plans again and
 * applies only if the plan is still the one reviewed.
 */
export const openapiFamily: PlatformHandler = async (call) => {
  const { args } = call;
  if (args.action === "plan") {
    const plan = await planFrom(call);
    return { data: { id: importPlanFingerprint(plan), added: plan.added.map((t) => t.name), changed: plan.changed.map((c) => ({ name: c.name, fields: c.fields })), removed: plan.removed.map((r) => r.name), unchanged: plan.unchanged.length, skipped: plan.skipped, notes: plan.notes, baseUrl: plan.baseUrl, ...(plan.server?.variables.length ? { server: plan.server } : {}) } };
  }
  if (args.action === "apply") {
    const id = requireId(call, "the plan's id, from action plan");
    const plan = await planFrom(call);
    const now = importPlanFingerprint(plan);
    if (now !== id) throw new AppError("conflict", `the document or the project's tools changed since plan ${id}: plan again (the plan is now ${now}) and review it`);
    const input = source.parse(call.args.data);
    // applyOpenApiImport writes the import and its own audit entry (openapi.import), as for the dashboard.
    const { importId, summary } = await applyOpenApiImport(call.db, call.secretBox, call.project.id, plan, { actor: call.actor, sourceKind: "paste", ...(input.sourceName ? { sourceName: input.sourceName } : {}) });
    return { data: { importId, ...summary.counts }, audit: { recorded: true } };
  }
  throw new AppError("bad_request", `unknown action ${args.action}`);
};

async function planFrom(call: PlatformCall): Promise<ImportPlan> {
  const input = source.parse(requireData(call));
  try {
    return await planOpenApiImport(call.db, call.project.id, { document: input.document, sourceKind: "paste", ...(input.sourceName ? { sourceName: input.sourceName } : {}), ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}), ...(input.serverVariables ? { serverVariables: input.serverVariables } : {}) });
  } catch (error) {
    if (isOpenApiImportError(error)) throw new AppError("bad_request", `the document cannot be imported: ${error.message}`);
    throw error;
  }
}
