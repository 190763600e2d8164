import type { Db, Prisma } from "@tengine/db";
import { isUniqueViolation } from "@tengine/db";
import { z } from "zod";
import { type AuditActor, recordAudit } from "../audit/record-audit.ts";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError, isAppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { checkToolDefinition } from "../tools/check-tool-definition.ts";
import { definitionColumns } from "../tools/definition-columns.ts";
import type { ToolDefinition, ToolDefinitionInput } from "../tools/tool-definition.ts";
import type { ImportPlan, OpenApiSourceKind } from "./plan-openapi-import.ts";

export type ApplyOpenApiImportOptions = {
  actor: AuditActor;
  sourceKind: OpenApiSourceKind;
  sourceName?: string;
};

/** What an import did; stored as the ToolImport row's `summary` and returned. */
export type OpenApiImportSummary = {
  counts: { added: number; changed: number; removed: number; unchanged: number; skipped: number };
  added: string[];
  changed: Array<{ name: string; fields: string[] }>;
  removed: string[];
  unchanged: string[];
  skipped: Array<{ operation: string; reason: string }>;
  notes: string[];
  /** Operations the admin chose not to import (their tools, if any, were left as they were). */
  notSelected?: string[];
};

// The plan may have travelled through a browser: everything in it is checked again here.
const planSchema = z.object({
  format: z.enum(["openapi-3.0", "openapi-3.1", "swagger-2.0"]),
  title: z.string().max(500).optional(),
  baseUrl: z.string().max(2000),
  added: z.array(z.record(z.string(), z.unknown())),
  changed: z.array(z.object({ name: z.string(), toolId: z.string(), fields: z.array(z.string()), definition: z.record(z.string(), z.unknown()), importedDefinition: z.record(z.string(), z.unknown()).optional() }).loose()),
  removed: z.array(z.object({ name: z.string(), toolId: z.string() })),
  unchanged: z.array(z.string()),
  skipped: z.array(z.object({ operation: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
  notSelected: z.array(z.string().max(2100)).optional(),
  operations: z.record(z.string(), z.object({ method: z.string(), path: z.string(), operationId: z.string().optional(), tags: z.array(z.string().max(100)).max(50).optional() })).default({}),
});

// Stands in for a kept upstream secret while a definition is checked; never stored.
const KEPT_SECRET = "stored-secret-kept";

/**
 * Carries out a plan from `planOpenApiImport` in one transaction: removed tools deleted,
 * changed tools updated (a kept secret-bearing auth keeps its stored secret), added tools
 * created — each with `source: "openapi"`, the import id, the operation id and the definition
 * the document generated (`importedDefinition`, what later re-imports compare admin edits
 * against). Writes the ToolImport row and an `openapi.import` audit entry, and moves the
 * project's config version when a tool changed, so every gateway serves the new tools on its
 * next call. A plan with nothing to change writes only the import record.
 *
 * Every definition is checked again (`checkToolDefinition`): the plan may come from a client.
 * @throws {AppError} `bad_request` for an invalid plan, `not_found` for an unknown project,
 *   `conflict` when the project's tools changed since planning (a name taken, a tool gone).
 */
export async function applyOpenApiImport(db: Db, secretBox: SecretBox, projectId: string, plan: ImportPlan, options: ApplyOpenApiImportOptions): Promise<{ importId: string; summary: OpenApiImportSummary }> {
  const parsed = planSchema.safeParse(plan);
  if (!parsed.success) throw new AppError("bad_request", `invalid import plan: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
  const input = parsed.data;
  const project = await db.project.findUnique({ where: { id: projectId }, select: { id: true, orgId: true } });
  if (!project) throw new AppError("not_found", "project not found");

  const check = (definition: Record<string, unknown>, keepSecret: boolean): { def: ToolDefinition; keep: boolean } => {
    const auth = definition.auth as { type?: string; token?: string; value?: string } | undefined;
    const secretField = auth?.type === "bearer" || auth?.type === "bearer+hmac" ? "token" : auth?.type === "header" ? "value" : undefined;
    const keep = keepSecret && !!secretField && !auth?.[secretField];
    try {
      const def = checkToolDefinition((keep ? { ...definition, auth: { ...auth, [secretField!]: KEPT_SECRET } } : definition) as ToolDefinitionInput);
      return { def, keep };
    } catch (error) {
      if (isAppError(error)) throw new AppError("bad_request", `tool ${String(definition.name)}: ${error.message}`);
      throw error;
    }
  };
  const added = input.added.map((definition) => ({ input: definition, ...check(definition, false) }));
  const changed = input.changed.map((entry) => ({ entry, ...check(entry.definition, true) }));
  const names = [...added.map((a) => a.def.name), ...changed.map((c) => c.def.name)];
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new AppError("bad_request", `invalid import plan: two tools are named ${duplicate}`);

  const summary: OpenApiImportSummary = {
    counts: { added: added.length, changed: changed.length, removed: input.removed.length, unchanged: input.unchanged.length, skipped: input.skipped.length },
    added: added.map((a) => a.def.name),
    changed: changed.map((c) => ({ name: c.def.name, fields: c.entry.fields })),
    removed: input.removed.map((r) => r.name),
    unchanged: input.unchanged,
    skipped: input.skipped,
    notes: input.notes,
    ...(input.notSelected?.length ? { notSelected: input.notSelected } : {}),
  };
  const importId = newId("import");
  const secretOf = (def: ToolDefinition) => (def.auth.type === "bearer" || def.auth.type === "bearer+hmac" ? def.auth.token : def.auth.type === "header" ? def.auth.value : undefined);
  const origin = (name: string) => input.operations[name];
  const writes = added.length + changed.length + input.removed.length;

  try {
    await db.$transaction(
      async (tx) => {
        const ids = [...changed.map((c) => c.entry.toolId), ...input.removed.map((r) => r.toolId)];
        const existing = ids.length ? await tx.tool.findMany({ where: { projectId, id: { in: ids } }, select: { id: true, name: true, authSecretEnc: true } }) : [];
        const byId = new Map(existing.map((t) => [t.id, t]));
        const gone = ids.find((id) => !byId.has(id));
        if (gone) throw new AppError("conflict", "the project's tools changed since this import was planned; plan it again");

        await tx.toolImport.create({
          data: {
            id: importId,
            projectId,
            sourceKind: options.sourceKind,
            sourceName: options.sourceName ?? null,
            format: input.format,
            title: input.title ?? null,
            baseUrl: input.baseUrl,
            summary: summary as unknown as Prisma.InputJsonObject,
            createdBy: options.actor.userId ?? options.actor.email ?? null,
          },
        });
        if (input.removed.length) await tx.tool.deleteMany({ where: { projectId, id: { in: input.removed.map((r) => r.toolId) } } });
        // Renamed tools may swap names with each other or with new tools: free the old names first.
        const renamed = changed.filter((c) => byId.get(c.entry.toolId)!.name !== c.def.name);
        for (const c of renamed) await tx.tool.update({ where: { id: c.entry.toolId }, data: { name: `~import~${c.entry.toolId}` } });
        for (const c of changed) {
          const stored = byId.get(c.entry.toolId)!;
          const secret = c.keep ? undefined : secretOf(c.def);
          const operation = origin(c.entry.name) ?? origin(c.def.name);
          await tx.tool.update({
            where: { id: c.entry.toolId },
            data: {
              ...definitionColumns(c.def),
              authSecretEnc: c.keep ? stored.authSecretEnc : secret ? secretBox.encrypt(secret, secretAd.toolAuthSecret(c.entry.toolId)) : null,
              source: "openapi",
              importId,
              ...(operation ? { operationId: operation.operationId ?? null, tags: operation.tags ?? [] } : {}),
              importedDefinition: (c.entry.importedDefinition ?? c.entry.definition) as Prisma.InputJsonObject,
            },
          });
        }
        if (added.length) {
          await tx.tool.createMany({
            data: added.map((a) => {
              const secret = secretOf(a.def);
              const id = newId("tool");
              return {
                id,
                projectId,
                ...definitionColumns(a.def),
                authSecretEnc: secret ? secretBox.encrypt(secret, secretAd.toolAuthSecret(id)) : null,
                source: "openapi" as const,
                importId,
                operationId: origin(a.def.name)?.operationId ?? null,
                tags: origin(a.def.name)?.tags ?? [],
                importedDefinition: a.input as Prisma.InputJsonObject,
              };
            }),
          });
        }
        if (writes > 0) await bumpConfigVersion(tx, projectId);
        await recordAudit(tx, {
          orgId: project.orgId,
          projectId,
          actor: options.actor,
          action: "openapi.import",
          targetType: "tool_import",
          targetId: importId,
          details: { title: input.title, format: input.format, baseUrl: input.baseUrl, sourceKind: options.sourceKind, sourceName: options.sourceName, ...summary.counts, ...(input.notSelected?.length ? { notSelected: input.notSelected.length } : {}), added: summary.added.slice(0, 50), changed: summary.changed.slice(0, 50).map((c) => c.name), removed: summary.removed.slice(0, 50) },
        });
      },
      // A large document (GitHub's: 1,200 tools) is many statements; the default 5 s is too short.
      { timeout: 120_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "a tool with one of the imported names was created since this import was planned; plan it again");
    throw error;
  }
  return { importId, summary };
}
