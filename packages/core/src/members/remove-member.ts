import type { Db } from "@tengine/db";
import type { Role } from "../access/roles.ts";
import { AppError } from "../errors/app-error.ts";
import { assertMayManage, assertNotLastOwner, lockOrganization, memberSelect, type MemberView, toMemberView } from "./member-rules.ts";

/**
 * Takes a person out of the organization (their account stays: they may belong to others).
 * Follows the rules of `assertMayManage`; the last owner cannot be removed.
 */
export async function removeMember(db: Db, orgId: string, actorRole: Role, membershipId: string): Promise<MemberView> {
  return db.$transaction(async (tx) => {
    await lockOrganization(tx, orgId);
    const target = await tx.membership.findFirst({ where: { id: membershipId, orgId }, select: memberSelect });
    if (!target) throw new AppError("not_found", "member not found");
    assertMayManage(actorRole, target.role as Role, null);
    if (target.role === "owner") await assertNotLastOwner(tx, orgId, "remove");
    await tx.membership.delete({ where: { id: membershipId, orgId } });
    return toMemberView(target);
  });
}
