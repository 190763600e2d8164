import "server-only";
import { getOrgForUser, getProjectForUser, isAppError, type Role } from "@tengine/core";
import type { Db } from "@tengine/db";
import { z } from "zod";
import { getDb } from "./db.ts";
import { currentUser, type SessionUser } from "./session.ts";

/** What every server action returns: forms show `error` on top and `fieldErrors` by field. */
export type ActionResult<T = undefined> =
  | { ok: true; data?: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

type ProjectContext = Awaited<ReturnType<typeof getProjectForUser>> & { user: SessionUser; db: Db };
type OrgContext = Awaited<ReturnType<typeof getOrgForUser>> & { user: SessionUser; db: Db };

/**
 * Wraps a server action on one project: signed-in user, membership and `minimum` role checked
 * on the server (the UI hiding a button is a convenience, not the check), input parsed with
 * zod, domain errors turned into results. Unknown errors are logged and answered generically.
 */
export function withProjectRole<S extends z.ZodType, T = undefined>(minimum: Role, schema: S, handler: (ctx: ProjectContext, input: z.output<S>) => Promise<ActionResult<T>>) {
  return async (slug: string, input: z.input<S>): Promise<ActionResult<T>> => {
    return guard(async () => {
      const user = await currentUser();
      if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
      const db = getDb();
      const access = await getProjectForUser(db, user.id, slug, minimum);
      const parsed = schema.safeParse(input);
      if (!parsed.success) return invalid(parsed.error);
      return handler({ ...access, user, db }, parsed.data);
    });
  };
}

/** Like withProjectRole, for organization-level actions (members, audit log). */
export function withOrgRole<S extends z.ZodType, T = undefined>(minimum: Role, schema: S, handler: (ctx: OrgContext, input: z.output<S>) => Promise<ActionResult<T>>) {
  return async (orgSlug: string, input: z.input<S>): Promise<ActionResult<T>> => {
    return guard(async () => {
      const user = await currentUser();
      if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
      const db = getDb();
      const access = await getOrgForUser(db, user.id, orgSlug, minimum);
      const parsed = schema.safeParse(input);
      if (!parsed.success) return invalid(parsed.error);
      return handler({ ...access, user, db }, parsed.data);
    });
  };
}

async function guard<T>(fn: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await fn();
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    if (error instanceof z.ZodError) return invalid(error);
    // Next's redirect()/notFound() are exceptions that must pass through.
    if (error && typeof error === "object" && "digest" in error) throw error;
    console.error("server action failed", error);
    return { ok: false, error: "Something went wrong on our side. Try again." };
  }
}

function invalid(error: z.ZodError): { ok: false; error: string; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, error: "Check the highlighted fields.", fieldErrors };
}
