import type { ApprovalPolicy, Db } from "@tengine/db";
import { z } from "zod";
import { roleAtLeast, type Role } from "../access/roles.ts";
import { type AuditActor, recordAudit } from "../audit/record-audit.ts";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { APPROVAL_POLICIES } from "./approval-policy.ts";

export const approvalPolicySchema = z.enum(APPROVAL_POLICIES);

/**
 * Sets which calls of a project wait for a person (admins only). Moves the configuration
 * version, so every gateway replica applies the policy on its next call; audited as
 * `approval_policy.update`.
 */
export async function setApprovalPolicy(db: Db, input: { projectId: string; actor: AuditActor; role: Role; policy: ApprovalPolicy | string }): Promise<{ before: ApprovalPolicy; after: ApprovalPolicy }> {
  if (!roleAtLeast(input.role, "admin")) throw new AppError("forbidden", "changing the approval policy needs the admin role");
  const parsed = approvalPolicySchema.safeParse(input.policy);
  if (!parsed.success) throw new AppError("bad_request", `approval policy must be one of: ${APPROVAL_POLICIES.join(", ")}`);
  const after = parsed.data;
  return db.$transaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: input.projectId }, select: { orgId: true, approvalPolicy: true } });
    if (!project) throw new AppError("not_found", "project not found");
    if (project.approvalPolicy !== after) {
      await tx.project.update({ where: { id: input.projectId }, data: { approvalPolicy: after } });
      await bumpConfigVersion(tx, input.projectId);
      await recordAudit(tx, {
        orgId: project.orgId,
        projectId: input.projectId,
        actor: input.actor,
        action: "approval_policy.update",
        targetType: "project",
        targetId: input.projectId,
        details: { before: project.approvalPolicy, after },
      });
    }
    return { before: project.approvalPolicy, after };
  });
}
