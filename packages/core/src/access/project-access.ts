import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { type Role, roleAtLeast } from "./roles.ts";

/**
 * The project `slug` as seen by `userId`, with their role in its organization. A project of
 * an organization the user is not in is "not found" (never "forbidden": that would confirm it
 * exists); a role below `minimum` is "forbidden".
 */
export async function getProjectForUser(db: Db, userId: string, slug: string, minimum: Role = "viewer") {
  const project = await db.project.findFirst({
    where: { slug, org: { memberships: { some: { userId } } } },
    include: { org: { select: { id: true, name: true, slug: true, memberships: { where: { userId }, select: { role: true } } } } },
  });
  if (!project) throw new AppError("not_found", `project "${slug}" not found`);
  const role = project.org.memberships[0]!.role as Role;
  if (!roleAtLeast(role, minimum)) throw new AppError("forbidden", `this needs the ${minimum} role; you are ${role === "admin" ? "an" : "a"} ${role}`);
  const { org, ...rest } = project;
  return { project: rest, org: { id: org.id, name: org.name, slug: org.slug }, role };
}

/** The user's membership of an organization, or not found. */
export async function getOrgForUser(db: Db, userId: string, orgSlug: string, minimum: Role = "viewer") {
  const org = await db.organization.findFirst({ where: { slug: orgSlug, memberships: { some: { userId } } }, include: { memberships: { where: { userId }, select: { role: true } } } });
  if (!org) throw new AppError("not_found", `organization "${orgSlug}" not found`);
  const role = org.memberships[0]!.role as Role;
  if (!roleAtLeast(role, minimum)) throw new AppError("forbidden", `this needs the ${minimum} role; you are ${role === "admin" ? "an" : "a"} ${role}`);
  return { org: { id: org.id, name: org.name, slug: org.slug }, role };
}

/** The organizations a user belongs to, with their role, oldest first. */
export async function listOrgsForUser(db: Db, userId: string) {
  const rows = await db.membership.findMany({ where: { userId }, orderBy: { id: "asc" }, select: { role: true, org: { select: { id: true, name: true, slug: true } } } });
  return rows.map((r) => ({ ...r.org, role: r.role as Role }));
}
