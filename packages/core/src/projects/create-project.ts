import { z } from "zod";
import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { uniqueSlug } from "./slugify.ts";

export const createProjectInput = z.object({
  orgId: z.string().min(1),
  name: z.string().trim().min(1, "name is required").max(100),
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "slug must be lowercase letters, digits and dashes").optional(),
  allowHttpUpstreams: z.boolean().optional(),
  allowedUpstreamHosts: z.array(z.string().min(1)).optional(),
  requireMember: z.boolean().optional(),
});

export async function createProject(db: Db, raw: z.input<typeof createProjectInput>) {
  const input = createProjectInput.parse(raw);
  const taken = async (s: string) => !!(await db.project.findUnique({ where: { slug: s }, select: { id: true } }));
  if (input.slug && (await taken(input.slug))) throw new AppError("conflict", `project slug "${input.slug}" is taken`);
  const slug = input.slug ?? (await uniqueSlug(input.name, taken));
  return db.project.create({
    data: {
      id: newId("project"),
      orgId: input.orgId,
      name: input.name,
      slug,
      allowHttpUpstreams: input.allowHttpUpstreams ?? false,
      allowedUpstreamHosts: input.allowedUpstreamHosts ?? [],
      requireMember: input.requireMember ?? false,
    },
  });
}
