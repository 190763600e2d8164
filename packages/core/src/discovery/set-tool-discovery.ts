import type { z } from "zod";
import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { type ToolDiscoverySettings, toolDiscoveryInput, toolDiscoveryOf } from "./discovery-settings.ts";

const select = { toolDiscovery: true, toolDiscoveryThreshold: true, pinnedTools: true } as const;

/**
 * Sets how tools/list presents the project's tools: the mode, the `auto` threshold and the
 * pinned tools (each must be one of the project's tools). Fields left out stay as they are.
 * The config version moves in the same transaction, so every gateway applies it on the next
 * request. Returns the settings before and after and which fields changed (for the audit log).
 * @throws {AppError} `bad_request` for invalid input or an unknown pinned tool, `not_found`.
 */
export async function setToolDiscovery(db: Db, projectId: string, raw: z.input<typeof toolDiscoveryInput>): Promise<{ before: ToolDiscoverySettings; after: ToolDiscoverySettings; changed: string[] }> {
  const parsed = toolDiscoveryInput.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("bad_request", parsed.error.issues[0]!.message);
  }
  const input = parsed.data;
  return db.$transaction(async (tx) => {
    const row = await tx.project.findFirst({ where: { id: projectId }, select });
    if (!row) throw new AppError("not_found", "project not found");
    if (input.pinnedTools?.length) {
      const found = await tx.tool.findMany({ where: { projectId, name: { in: input.pinnedTools } }, select: { name: true } });
      const known = new Set(found.map((t) => t.name));
      const unknown = input.pinnedTools.filter((name) => !known.has(name));
      if (unknown.length) throw new AppError("bad_request", `unknown tool${unknown.length > 1 ? "s" : ""} to pin: ${unknown.join(", ")}`);
    }
    const changed = (Object.keys(input) as Array<keyof typeof input>).filter((key) => input[key] !== undefined && JSON.stringify(input[key]) !== JSON.stringify(row[key]));
    const before = toolDiscoveryOf(row);
    if (changed.length === 0) return { before, after: before, changed };
    const updated = await tx.project.update({ where: { id: projectId }, data: Object.fromEntries(changed.map((key) => [key, input[key]])), select });
    await bumpConfigVersion(tx, projectId);
    return { before, after: toolDiscoveryOf(updated), changed };
  });
}

/** The project's current discovery settings. */
export async function getToolDiscovery(db: Db, projectId: string): Promise<ToolDiscoverySettings> {
  const row = await db.project.findFirst({ where: { id: projectId }, select });
  if (!row) throw new AppError("not_found", "project not found");
  return toolDiscoveryOf(row);
}
