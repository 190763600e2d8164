import "server-only";
import { getOrgForUser, getProjectForUser, isAppError, listOrgsForUser, type Role } from "@tengine/core";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "./db.ts";
import { requireUser } from "./session.ts";

/**
 * A project page's data access: the signed-in user must belong to the project's
 * organization; anyone else gets the same 404 as for a project that does not exist.
 */
// Once per request (React's cache): the project layout and its page both load the project.
export const loadProject = cache(async (slug: string) => {
  const user = await requireUser();
  try {
    return { user, ...(await getProjectForUser(getDb(), user.id, slug, "viewer")) };
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
});

export const ORG_COOKIE = "tengine_org";

/** The organizations of a user and the one they work in: chosen in the switcher, else their first. */
export const currentOrgOf = cache(async (userId: string) => {
  const orgs = await listOrgsForUser(getDb(), userId);
  const chosen = (await cookies()).get(ORG_COOKIE)?.value;
  return { orgs, current: orgs.find((o) => o.slug === chosen) ?? orgs[0] };
});

/** The organization the user is working in, for a page (no session: to the sign-in page). */
export async function loadCurrentOrg() {
  const user = await requireUser();
  return { user, ...(await currentOrgOf(user.id)) };
}

export async function loadOrg(slug: string, minimum: Role = "viewer") {
  const user = await requireUser();
  try {
    return { user, ...(await getOrgForUser(getDb(), user.id, slug, minimum)) };
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}
