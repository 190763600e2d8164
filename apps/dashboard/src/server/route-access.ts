import "server-only";
import { getProjectForUser, isAppError } from "@tengine/core";
import { getDb } from "./db.ts";
import { currentUser, type SessionUser } from "./session.ts";

type Denied = { ok: false; response: Response };

/** A data route's caller: the signed-in user, or the 401 to answer (routes answer JSON, not a redirect). */
export async function routeUser(): Promise<{ ok: true; user: SessionUser } | Denied> {
  const user = await currentUser();
  return user ? { ok: true, user } : { ok: false, response: Response.json({ error: "sign in first" }, { status: 401 }) };
}

/**
 * A project for a data route, as `loadProject` is for pages: members of its organization only;
 * anyone else gets the 404 a missing project gets.
 */
export async function routeProject(slug: string): Promise<{ ok: true; user: SessionUser; project: { id: string; slug: string } } | Denied> {
  const caller = await routeUser();
  if (!caller.ok) return caller;
  try {
    const { project } = await getProjectForUser(getDb(), caller.user.id, slug, "viewer");
    return { ok: true, user: caller.user, project };
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return { ok: false, response: Response.json({ error: "not found" }, { status: 404 }) };
    throw error;
  }
}
