import type { Db } from "@tengine/db";
import { type AuditActor, recordAudit } from "../audit/record-audit.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * Deletes a project with everything in it (tools, keys, secrets, runs, approvals, OAuth
 * connections: the schema cascades). The audit entry (`project.delete`, kept in the
 * organization's log) is written in the same transaction. Another organization's project is
 * not found when `orgId` is given.
 */
export async function deleteProject(db: Db, input: { projectId: string; orgId?: string; actor: AuditActor }) {
  return db.$transaction(async (tx) => {
    const project = await tx.project.findFirst({ where: { id: input.projectId, ...(input.orgId ? { orgId: input.orgId } : {}) }, select: { id: true, orgId: true, slug: true, name: true } });
    if (!project) throw new AppError("not_found", "project not found");
    await tx.project.delete({ where: { id: project.id } });
    await recordAudit(tx, { orgId: project.orgId, projectId: project.id, actor: input.actor, action: "project.delete", targetType: "project", targetId: project.id, details: { name: project.name, slug: project.slug } });
    return project;
  });
}
