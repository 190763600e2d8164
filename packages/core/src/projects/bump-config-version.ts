import type { Prisma } from "@tengine/db";

/**
 * Marks the project's configuration as changed. Every gateway process reads the version with
 * the caller's credential and drops its cached tools/secrets when it moved — no stale tool
 * definition or retired secret is used after the change commits.
 */
export async function bumpConfigVersion(tx: Prisma.TransactionClient, projectId: string) {
  await tx.project.update({ where: { id: projectId }, data: { configVersion: { increment: 1 } } });
}
