import type { Db } from "@tengine/db";
import type { Role } from "../access/roles.ts";
import { AppError } from "../errors/app-error.ts";
import { assertMayManage, assertNotLastOwner, lockOrganization, memberSelect, type MemberView, toMemberView } from "./member-rules.ts";

/**
 * Gives a member another role, following the rules of `assertMayManage`; the last owner keeps
 * the owner role. Returns the member and the role they had.
 */
export async function changeMemberRole(db: Db, orgId: string, actorRole: Role, membershipId: string, role: Role): Promise<{ member: MemberView; previousRole: Role }> {
  return db.$transaction(async (tx) => {
    await lockOrganization(tx, orgId);
    const target = await tx.membership.findFirst({ where: { id: membershipId, orgId }, select: { role: true } });
    if (!target) throw new AppError("not_found", "member not found");
    const previousRole = target.role as Role;
    assertMayManage(actorRole, previousRole, role);
    if (previousRole === role) {
      const row = await tx.membership.findFirstOrThrow({ where: { id: membershipId, orgId }, select: memberSelect });
      return { member: toMemberView(row), previousRole };
    }
    if (previousRole === "owner") await assertNotLastOwner(tx, orgId, "demote");
    const row = await tx.membership.update({ where: { id: membershipId, orgId }, data: { role }, select: memberSelect });
    return { member: toMemberView(row), previousRole };
  });
}
