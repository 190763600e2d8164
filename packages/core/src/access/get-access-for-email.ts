import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { getOrgForUser, getProjectForUser } from "./project-access.ts";
import type { Role } from "./roles.ts";

/**
 * A person named by email, acting on a project: their account and role in the project's
 * organization, checked against `minimum` exactly as a signed-in dashboard user is
 * (getProjectForUser). For tools that act for a named person (the CLI's `--as`): an unknown
 * email or a person outside the organization is refused.
 */
export async function getProjectForEmail(db: Db, email: string, slug: string, minimum: Role = "viewer") {
  const user = await userByEmail(db, email);
  const project = await db.project.findUnique({ where: { slug }, select: { orgId: true } });
  if (!project) throw new AppError("not_found", `project "${slug}" not found`);
  const member = await db.membership.findFirst({ where: { userId: user.id, orgId: project.orgId }, select: { id: true } });
  if (!member) throw new AppError("forbidden", `${user.email} is not a member of the organization that owns project "${slug}"`);
  return { user, ...(await getProjectForUser(db, user.id, slug, minimum)) };
}

/** Like getProjectForEmail, for an organization. */
export async function getOrgForEmail(db: Db, email: string, orgSlug: string, minimum: Role = "viewer") {
  const user = await userByEmail(db, email);
  const org = await db.organization.findUnique({ where: { slug: orgSlug }, select: { id: true } });
  if (!org) throw new AppError("not_found", `organization "${orgSlug}" not found`);
  const member = await db.membership.findFirst({ where: { userId: user.id, orgId: org.id }, select: { id: true } });
  if (!member) throw new AppError("forbidden", `${user.email} is not a member of organization "${orgSlug}"`);
  return { user, ...(await getOrgForUser(db, user.id, orgSlug, minimum)) };
}

async function userByEmail(db: Db, email: string) {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, email: true } });
  if (!user) throw new AppError("forbidden", `no account has the email ${email.trim()}`);
  return user;
}
