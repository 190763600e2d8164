import { type Db, Prisma } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { readRateLimits } from "./check-rate-limits.ts";
import { type RateLimits, type RateLimitsInput, rateLimitsSchema } from "./rate-limits.ts";

/**
 * Replaces a project's rate limits (null = unlimited) and moves its configuration version, so
 * every gateway replica applies them on the next call. Returns the limits before and after.
 */
export async function setRateLimits(db: Db, projectId: string, raw: RateLimitsInput | null): Promise<{ before: RateLimits | null; after: RateLimits | null }> {
  const after = raw === null ? null : rateLimitsSchema.parse(raw);
  return db.$transaction(async (tx) => {
    const project = await tx.project.findFirst({ where: { id: projectId }, select: { rateLimits: true } });
    if (!project) throw new AppError("not_found", "project not found");
    await tx.project.update({ where: { id: projectId }, data: { rateLimits: after === null ? Prisma.DbNull : (after as Prisma.InputJsonValue) } });
    await bumpConfigVersion(tx, projectId);
    return { before: readRateLimits(project.rateLimits), after };
  });
}
