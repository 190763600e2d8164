"use server";
import { createProject, deleteProject, recordAudit } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withOrgRole, withProjectRole } from "../action.ts";

const createProjectSchema = z.object({
  name: z.string().trim().min(1, "give the project a name").max(100),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "lowercase letters, digits and dashes")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** Creates a project in an organization (admin). */
export const createProjectAction = withOrgRole("admin", createProjectSchema, async (ctx, input) => {
  const project = await createProject(ctx.db, { orgId: ctx.org.id, name: input.name, slug: input.slug });
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action: "project.create", targetType: "project", targetId: project.id, details: { name: project.name, slug: project.slug } });
  revalidatePath("/projects");
  return { ok: true, data: { slug: project.slug } };
});

/**
 * Deletes the project with its tools, keys, secrets, runs and approvals (admin+), once its slug
 * is typed to confirm; the audit entry stays in the organization's log.
 */
export const deleteProjectAction = withProjectRole("admin", z.object({ confirm: z.string().trim().max(100) }), async (ctx, input) => {
  if (input.confirm !== ctx.project.slug) return { ok: false, error: "Nothing was deleted.", fieldErrors: { confirm: `Type ${ctx.project.slug} to confirm` } };
  await deleteProject(ctx.db, { projectId: ctx.project.id, orgId: ctx.org.id, actor: { userId: ctx.user.id, email: ctx.user.email } });
  revalidatePath("/projects");
  return { ok: true, message: `${ctx.project.name} deleted` };
});
