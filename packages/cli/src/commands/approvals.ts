import { AppError, type ApprovalView, decideApproval, getApproval, listApprovals } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { wholeNumber } from "../usage-error.ts";
import { actingOnProject, projectBySlug, projectOption } from "./shared.ts";

const STATUSES = ["pending", "approved", "denied", "expired"] as const;
const APPROVAL_JSON = "{ id, runId, toolName, status, principal: { kind, keyId?, memberId?, memberEmail?, userId?, clientId? }, arguments, request, runStatus, runError, reason, decidedByEmail, decidedAt, executedAt, expiresAt, createdAt }";

const caller = (a: ApprovalView) => a.principal.memberEmail ?? a.principal.keyId ?? a.principal.userId ?? a.principal.clientId ?? a.principal.kind;

const list = defineCommand<{ project: string; status?: (typeof STATUSES)[number]; limit: number; cursor?: string }>({
  name: "list",
  summary: "the project's approval queue: pending calls oldest first, then decided ones newest first",
  options: [
    projectOption,
    { flags: "--status <status>", description: `only approvals with this status (${STATUSES.join(", ")})`, choices: STATUSES },
    { flags: "--limit <n>", description: "decided approvals per page, 1 to 100", parse: wholeNumber("--limit", 1, 100), default: 25 },
    { flags: "--cursor <approvalId>", description: "decided approvals older than this one (the nextCursor of the previous page)" },
  ],
  examples: ["tengine approvals list --project acme-crm --status pending"],
  json: `{ approvals: [${APPROVAL_JSON}], nextCursor }`,
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const queue = await listApprovals(ctx.db, project.id, { limit: opts.limit, cursor: opts.cursor });
    const all = opts.status === "pending" ? queue.pending : opts.cursor ? queue.decided : [...queue.pending, ...queue.decided];
    const approvals = opts.status ? all.filter((a) => a.status === opts.status) : all;
    const nextCursor = opts.status === "pending" ? null : queue.nextCursor;
    if (json) return print(true, { approvals, nextCursor });
    print(false, approvals, { rows: approvals.map((a) => ({ ...a, caller: caller(a) })), columns: ["id", "toolName", "status", "caller", "runId", "expiresAt", "decidedByEmail", "reason"] });
    if (nextCursor) process.stdout.write(`more: npx tengine approvals list --project ${project.slug}${opts.status ? ` --status ${opts.status}` : ""} --cursor ${nextCursor}\n`);
  },
});

const get = defineCommand<{ project: string }>({
  name: "get",
  summary: "one approval: the call's arguments, its redacted request, who called, and the decision",
  args: [{ name: "approvalId", description: "the approval's id (apv_…)" }],
  options: [projectOption],
  examples: ["tengine approvals get --project acme-crm apv_01jd8x9y7z6w5v4t3s2r1q0p9n"],
  json: APPROVAL_JSON,
  async run(ctx, { args, opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const approval = await getApproval(ctx.db, project.id, args.approvalId!);
    print(json, json ? approval : { ...approval, principal: caller(approval) });
  },
});

function decideCommand(decision: "approve" | "deny") {
  return defineCommand<{ project: string; as: string; reason?: string }>({
    name: decision,
    summary: decision === "approve" ? "approve a waiting call: the worker sends it once" : "deny a waiting call: it is never sent",
    details:
      "Decided as the person named with --as, who must be a member, admin or owner of the project's organization (viewers never decide) and may not decide on their own call. The decision and its reason are in the audit log under their name.",
    args: [{ name: "approvalId", description: "the approval's id (apv_…)" }],
    options: [projectOption, { flags: "--as <email>", description: "the person deciding (their account's email)", required: true }, { flags: "--reason <text>", description: "why (at most 500 characters; shown to the caller on a denial)" }],
    examples: [`tengine approvals ${decision} --project acme-crm apv_01jd8x9y7z6w5v4t3s2r1q0p9n --as ops@acme.example --reason "${decision === "approve" ? "checked with the customer" : "wrong customer"}"`],
    json: `{ approvalId, runId, status: "${decision === "approve" ? "approved" : "denied"}" }`,
    async run(ctx, { args, opts, json }) {
      // The role is checked by decideApproval itself (member and above), as for the dashboard.
      const { project, actor, role } = await actingOnProject(ctx, opts.project, opts.as, "viewer");
      if (!actor.userId) throw new AppError("forbidden", "a decision needs a person: give --as <email>");
      const decided = await decideApproval(ctx.db, { projectId: project.id, approvalId: args.approvalId!, actor, role, decision, ...(opts.reason ? { reason: opts.reason } : {}) });
      print(json, decided);
    },
  });
}

export const approvalsGroup = defineGroup({ name: "approvals", summary: "calls waiting for a person's decision", commands: [list, get, decideCommand("approve"), decideCommand("deny")] });
