import { AppError } from "../../errors/app-error.ts";
import { getRunDetail } from "../../runs/get-run-detail.ts";
import { listRuns } from "../../runs/list-runs.ts";
import type { PlatformHandler } from "../platform-call.ts";
import { requireId } from "./family-input.ts";

/** `tengine.platform/runs`: the run history's list (its filters and keyset pages) and one run. */
export const runsFamily: PlatformHandler = async (call) => {
  const { db, project, args } = call;
  if (args.action === "list") return { data: { ...(await listRuns(db, project.id, args.filters ?? {})) } };
  if (args.action === "get") {
    const id = requireId(call, "the run's id (run_…)");
    const detail = await getRunDetail(db, project.id, id);
    if (!detail) throw new AppError("not_found", `run ${id} not found`);
    return { data: { ...detail } };
  }
  throw new AppError("bad_request", `unknown action ${args.action}`);
};
