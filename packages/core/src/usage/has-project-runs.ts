import type { Db } from "@tengine/db";

/** Whether the project has any run at all (one index probe on (projectId, id)). */
export async function hasProjectRuns(db: Db, projectId: string): Promise<boolean> {
  return (await db.run.findFirst({ where: { projectId }, select: { id: true } })) !== null;
}
