"use server";
import { createProject, recordAudit } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withOrgRole } from "../action.ts";

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
