import type { Db } from "@tengine/db";
import { AppError } from "../errors/app-error.ts";

export async function getProjectBySlugOrThrow(db: Db, slug: string) {
  const project = await db.project.findUnique({ where: { slug } });
  if (!project) throw new AppError("not_found", `project "${slug}" not found`);
  return project;
}
