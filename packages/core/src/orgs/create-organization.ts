import type { Db } from "@tengine/db";
import { newId } from "../ids/new-id.ts";
import { uniqueSlug } from "../projects/slugify.ts";

export async function createOrganization(db: Db, input: { name: string }) {
  const slug = await uniqueSlug(input.name, async (s) => !!(await db.organization.findUnique({ where: { slug: s }, select: { id: true } })));
  return db.organization.create({ data: { id: newId("org"), name: input.name.trim(), slug } });
}
