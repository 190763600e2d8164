import { z } from "zod";
import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";

/** How long a project's runs are kept before the worker's retention job deletes them. */
export const runRetentionDaysSchema = z
  .number({ message: "enter a number of days" })
  .int("enter a whole number of days")
  .min(1, "keep runs for at least 1 day")
  .max(3650, "keep runs for at most 3650 days (10 years)");

/**
 * Sets `Project.runRetentionDays` (1–3650). Returns the value before and after, for the audit
 * log. The gateway does not read it, so the configuration version does not move.
 */
export async function setRunRetention(db: Db, projectId: string, days: number): Promise<{ before: number; after: number }> {
  const parsed = runRetentionDaysSchema.safeParse(days);
  if (!parsed.success) throw new AppError("bad_request", `Run retention: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
  return db.$transaction(async (tx) => {
    const project = await tx.project.findFirst({ where: { id: projectId }, select: { runRetentionDays: true } });
    if (!project) throw new AppError("not_found", "project not found");
    if (project.runRetentionDays !== parsed.data) await tx.project.update({ where: { id: projectId }, data: { runRetentionDays: parsed.data } });
    return { before: project.runRetentionDays, after: parsed.data };
  });
}
