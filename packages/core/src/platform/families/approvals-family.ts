import { z } from "zod";
import { decideApproval } from "../../approvals/decide-approval.ts";
import { listApprovals } from "../../approvals/list-approvals.ts";
import { AppError } from "../../errors/app-error.ts";
import { principalKey, storedPrincipalSchema } from "../../principal/principal.ts";
import type { PlatformCall, PlatformHandler } from "../platform-call.ts";
import { requireData, requireId } from "./family-input.ts";

const decision = z.object({ decision: z.enum(["approve", "deny"]), reason: z.string().trim().max(500).optional() }).strict();

/**
 * `tengine.platform/approvals`: the approval queue, and decisions by a person. `decide` is
 * refused for an API key or member session (an agent), and for the principal whose call waits
 * (nobody approves their own call); the person's role is checked by `decideApproval`, as in the
 * dashboard.
 */
export const approvalsFamily: PlatformHandler = async (call) => {
  const { db, project, args } = call;
  switch (args.action) {
    case "list": {
      const filters = args.filters ?? {};
      return { data: { ...(await listApprovals(db, project.id, { ...(typeof filters.cursor === "string" ? { cursor: filters.cursor } : {}), ...(typeof filters.limit === "number" ? { limit: filters.limit } : {}) })) } };
    }
    case "get":
      return { data: { approval: await findApproval(call) } };
    case "decide": {
      const { principal } = call;
      if (principal.kind !== "oauth" || !principal.userId || call.role === null) {
        throw new AppError("forbidden", "approvals are decided by a person: sign in with OAuth as a dashboard user who may approve; an API key or member session cannot decide");
      }
      const id = requireId(call, "the approval's id (apv_…)");
      const input = decision.parse(requireData(call));
      const approval = await db.approval.findFirst({ where: { id, projectId: project.id }, select: { id: true, principal: true } });
      if (!approval) throw new AppError("not_found", `approval ${id} not found`);
      const waiting = storedPrincipalSchema.safeParse(approval.principal);
      // Fail closed: a waiting principal that cannot be read may be this caller.
      if (!waiting.success || principalKey(waiting.data) === principalKey(principal) || waiting.data.userId === principal.userId) {
        throw new AppError("forbidden", "you cannot decide on your own call: another person must approve it");
      }
      const decided = await decideApproval(db, { projectId: project.id, approvalId: id, actor: call.actor, role: call.role, decision: input.decision, ...(input.reason ? { reason: input.reason } : {}), ...(call.pubsub ? { pubsub: call.pubsub } : {}) });
      return { data: { id: decided.approvalId, runId: decided.runId, status: decided.status }, audit: { recorded: true } };
    }
  }
  throw new AppError("bad_request", `unknown action ${args.action}`);
};

async function findApproval(call: PlatformCall) {
  const id = requireId(call, "the approval's id (apv_…)");
  const row = await call.db.approval.findFirst({ where: { id, projectId: call.project.id } });
  if (!row) throw new AppError("not_found", `approval ${id} not found`);
  const run = await call.db.run.findFirst({ where: { id: row.runId, projectId: call.project.id }, select: { status: true, error: true, request: true } });
  const { principal: _p, idempotency: _i, ...rest } = row;
  return { ...rest, runStatus: run?.status ?? null, runError: run?.error ?? null, request: run?.request ?? null };
}
