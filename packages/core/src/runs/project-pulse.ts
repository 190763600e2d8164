import type { Db } from "@tengine/db";
import { sha256Hex } from "../crypto/hash.ts";

const OPEN_RUNS_WATCHED = 50;

/**
 * A short fingerprint of what the live dashboard pages show for a project: it changes when a run
 * is recorded, when a pending or running run finishes, and when an approval is requested or
 * leaves the queue (decided or expired). Pages poll it and re-render only when it changes. Every read is an index lookup:
 * the newest run by id, the open runs by status, the approvals by status.
 */
export async function projectPulse(db: Db, projectId: string): Promise<string> {
  const [latestRun, openRuns, pendingApprovals] = await Promise.all([
    db.run.findFirst({ where: { projectId }, orderBy: { id: "desc" }, select: { id: true } }),
    db.run.findMany({ where: { projectId, status: { in: ["pending", "running"] } }, orderBy: { id: "desc" }, select: { id: true, status: true }, take: OPEN_RUNS_WATCHED }),
    db.approval.findMany({ where: { projectId, status: "pending" }, orderBy: { id: "desc" }, select: { id: true }, take: OPEN_RUNS_WATCHED }),
  ]);
  const parts = [latestRun?.id ?? "", openRuns.map((r) => `${r.id}:${r.status}`).join(","), pendingApprovals.map((a) => a.id).join(",")];
  return sha256Hex(parts.join("|")).slice(0, 16);
}
