"use server";
import { isAppError, revokeConnection, roleAtLeast } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, withProjectRole } from "../action.ts";
import { getDb } from "../db.ts";
import { currentUser } from "../session.ts";

const connectionInput = z.object({ connectionId: z.string().regex(/^conn_[0-9a-z]+$/, "unknown connection") });

/**
 * Revokes a connection from the project's OAuth page. Admins may revoke any connection of the
 * project; everyone else only their own (revokeConnection checks both on the server).
 */
export const revokeProjectConnectionAction = withProjectRole("viewer", connectionInput, async (ctx, input) => {
  // Your own connection is revoked as "by the user" even when you are an admin.
  const own = await ctx.db.oAuthConnection.findFirst({ where: { id: input.connectionId, projectId: ctx.project.id, userId: ctx.user.id }, select: { id: true } });
  const reason = own || !roleAtLeast(ctx.role, "admin") ? "user" : "admin";
  await revokeConnection(ctx.db, { projectId: ctx.project.id, connectionId: input.connectionId, actor: { userId: ctx.user.id, email: ctx.user.email }, reason });
  revalidatePath(`/projects/${ctx.project.slug}/oauth`);
  revalidatePath("/connections");
  return { ok: true, message: "Connection revoked." };
});

/**
 * Revokes one of the signed-in user's own connections, in any project (the "My connections"
 * page): no project role is needed, only ownership, which revokeConnection enforces.
 */
export async function revokeMyConnectionAction(raw: z.input<typeof connectionInput>): Promise<ActionResult> {
  try {
    const user = await currentUser();
    if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
    const parsed = connectionInput.safeParse(raw);
    if (!parsed.success) return { ok: false, error: "This connection does not exist." };
    const db = getDb();
    const own = await db.oAuthConnection.findFirst({ where: { id: parsed.data.connectionId, userId: user.id }, select: { projectId: true, project: { select: { slug: true } } } });
    if (!own) return { ok: false, error: "This connection does not exist." };
    await revokeConnection(db, { projectId: own.projectId, connectionId: parsed.data.connectionId, actor: { userId: user.id, email: user.email }, reason: "user" });
    revalidatePath("/connections");
    revalidatePath(`/projects/${own.project.slug}/oauth`);
    return { ok: true, message: "Connection revoked." };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    console.error("revoking a connection failed", error);
    return { ok: false, error: "Something went wrong on our side. Try again." };
  }
}
