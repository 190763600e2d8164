import type { Prisma } from "@tengine/db";
import { type Role, roleAtLeast } from "../access/roles.ts";
import { AppError } from "../errors/app-error.ts";

/** What a membership looks like to the dashboard and the CLI. */
export type MemberView = { id: string; userId: string; email: string; name: string | null; role: Role; joinedAt: Date };

export const memberSelect = { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } } as const;

export function toMemberView(row: { id: string; role: string; createdAt: Date; user: { id: string; email: string; name: string | null } }): MemberView {
  return { id: row.id, userId: row.user.id, email: row.user.email, name: row.user.name, role: row.role as Role, joinedAt: row.createdAt };
}

/**
 * Who may manage whom (docs/dashboard.md, "Members"):
 * - viewers and members manage nobody;
 * - admins add, re-role and remove members and viewers, and can give only those two roles;
 * - owners do anything, except leave the organization without an owner (checked separately,
 *   under a lock, by `assertNotLastOwner`).
 * `targetRole` is the member's current role (null when adding), `newRole` the one to give
 * (null when removing).
 */
export function assertMayManage(actorRole: Role, targetRole: Role | null, newRole: Role | null) {
  if (!roleAtLeast(actorRole, "admin")) throw new AppError("forbidden", "managing members needs the admin role");
  if (actorRole === "owner") return;
  if (targetRole && roleAtLeast(targetRole, "admin")) throw new AppError("forbidden", `only an owner can change or remove ${targetRole === "owner" ? "an owner" : "an admin"}`);
  if (newRole && roleAtLeast(newRole, "admin")) throw new AppError("forbidden", `only an owner can make someone ${newRole === "owner" ? "an owner" : "an admin"}`);
}

/**
 * Serializes membership changes of one organization: taken first in every role change or
 * removal, so two owners demoting each other at the same moment cannot both succeed.
 */
export async function lockOrganization(tx: Prisma.TransactionClient, orgId: string) {
  await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
}

/** Refuses to take the owner role from the organization's last owner (under `lockOrganization`). */
export async function assertNotLastOwner(tx: Prisma.TransactionClient, orgId: string, verb: "demote" | "remove") {
  const owners = await tx.membership.count({ where: { orgId, role: "owner" } });
  if (owners <= 1) {
    throw new AppError("conflict", `this is the organization's last owner: make someone else an owner before you ${verb === "demote" ? "change this role" : "remove them"}`);
  }
}
