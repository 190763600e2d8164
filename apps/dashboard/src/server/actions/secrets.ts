"use server";
import { deleteProjectSecret, recordAudit, SECRET_NAME, setProjectSecret } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withProjectRole } from "../action.ts";
import { getSecretBox } from "../db.ts";

// core's rule, with the form's wording
const name = z.string().trim().regex(SECRET_NAME, "Use 1 to 64 letters, digits, dashes or underscores, e.g. CRM_TOKEN");

/**
 * Sets or rotates a `{{secrets.NAME}}` value (admin+). The value is encrypted at once and never
 * shown again; the audit log records the name only.
 */
export const setSecretAction = withProjectRole("admin", z.object({ name, value: z.string().min(8, "At least 8 characters (shorter values could not be redacted safely)").max(8192) }), async (ctx, input) => {
  const existed = await ctx.db.secret.count({ where: { projectId: ctx.project.id, name: input.name } });
  await setProjectSecret(ctx.db, getSecretBox(), ctx.project.id, input.name, input.value);
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: existed ? "secret.rotate" : "secret.set", targetType: "secret", targetId: input.name });
  revalidatePath(`/projects/${ctx.project.slug}/secrets`);
  return { ok: true, message: existed ? `${input.name} rotated: calls use the new value from now on` : `${input.name} saved` };
});

/** Deletes a secret (admin+); refused while a tool's headers use it. */
export const deleteSecretAction = withProjectRole("admin", z.object({ name }), async (ctx, input) => {
  await deleteProjectSecret(ctx.db, ctx.project.id, input.name);
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: "secret.delete", targetType: "secret", targetId: input.name });
  revalidatePath(`/projects/${ctx.project.slug}/secrets`);
  return { ok: true, message: `${input.name} deleted` };
});
