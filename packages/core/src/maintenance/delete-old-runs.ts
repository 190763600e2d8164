import type { Db } from "@tengine/db";

export type DeleteOldRunsOptions = {
  now?: Date;
  /** Rows per DELETE statement: each statement is a short transaction holding few row locks. */
  batchSize?: number;
  /** Stop after this many statements in one call (the next scheduled run continues). */
  maxBatches?: number;
  /** Called between batches so a shutdown or timeout can stop early. */
  signal?: AbortSignal;
};

export type DeleteOldRunsResult = { deleted: number; projects: number; complete: boolean };

/**
 * Run retention (DESIGN §10): deletes runs older than their project's `runRetentionDays`.
 * Each project is handled separately (its cutoff differs) in batches of `batchSize` ids found
 * through the (projectId, createdAt) index, so no statement holds locks for long and the
 * gateway keeps inserting runs meanwhile. Safe on any number of workers at once: a row
 * already deleted by another worker is simply not counted.
 */
export async function deleteOldRuns(db: Db, options: DeleteOldRunsOptions = {}): Promise<DeleteOldRunsResult> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 5_000;
  let batchesLeft = options.maxBatches ?? 2_000;
  let deleted = 0;
  let touched = 0;
  let afterId = "";
  for (;;) {
    const projects = await db.project.findMany({
      where: { id: { gt: afterId } },
      select: { id: true, runRetentionDays: true },
      orderBy: { id: "asc" },
      take: 500,
    });
    if (projects.length === 0) return { deleted, projects: touched, complete: true };
    for (const project of projects) {
      afterId = project.id;
      // Whole days back from now; createdAt is a UTC wall-clock `timestamp(3)`.
      const cutoff = utcWallClock(new Date(now.getTime() - project.runRetentionDays * 86_400_000));
      let projectDeleted = 0;
      for (;;) {
        if (batchesLeft-- <= 0 || options.signal?.aborted) return { deleted: deleted + projectDeleted, projects: touched + (projectDeleted > 0 ? 1 : 0), complete: false };
        const count = await db.$executeRaw`
          DELETE FROM "Run" WHERE id IN (
            SELECT id FROM "Run" WHERE "projectId" = ${project.id} AND "createdAt" < ${cutoff}::timestamp LIMIT ${batchSize}
          )`;
        projectDeleted += count;
        if (count < batchSize) break;
      }
      if (projectDeleted > 0) touched++;
      deleted += projectDeleted;
    }
  }
}

/** `timestamp without time zone` literal of a UTC instant (the column's convention). */
export function utcWallClock(date: Date): string {
  return date.toISOString().replace("Z", "");
}
