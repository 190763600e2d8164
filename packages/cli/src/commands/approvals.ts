import { AppError, type ApprovalView, decideApproval, getApproval, getApprovalWebhook, listApprovals, setApprovalWebhook } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { UsageError, wholeNumber } from "../usage-error.ts";
import { actingOnProject, audit, projectBySlug, projectOption } from "./shared.ts";

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

const webhook = defineCommand<{ project: string; url?: string; remove?: boolean }>({
  name: "webhook",
  summary: "the URL told about every new pending approval (Slack-compatible JSON, signed like tool calls)",
  details: "Without --url or --remove, shows the host the webhook posts to (the URL itself may hold a token and is never printed). The worker posts each pending approval once, and retries a failed delivery after 30 s, doubling, 8 times in all.",
  options: [projectOption, { flags: "--url <url>", description: "post new pending approvals to this http(s) URL" }, { flags: "--remove", description: "stop posting new pending approvals" }],
  examples: ["tengine approvals webhook --project acme-crm --url https://hooks.slack.com/services/T000/B000/XXXX", "tengine approvals webhook --project acme-crm --remove"],
  json: "{ webhook: { host } | null }",
  async run(ctx, { opts, json }) {
    if (opts.url !== undefined && opts.remove) throw new UsageError("give --url or --remove, not both");
    const project = await projectBySlug(ctx, opts.project);
    const box = await ctx.secretBox();
    if (opts.url !== undefined || opts.remove) {
      await setApprovalWebhook(ctx.db, box, project.id, opts.remove ? null : opts.url!);
      await audit(ctx, project, { action: opts.remove ? "approval_webhook.remove" : "approval_webhook.set", targetType: "project", targetId: project.id, ...(opts.url ? { details: { host: new URL(opts.url).host } } : {}) });
    }
    const url = await getApprovalWebhook(ctx.db, box, project.id);
    const shown = { webhook: url ? { host: new URL(url).host } : null };
    if (json) return print(true, shown);
    process.stdout.write(url ? `new pending approvals are posted to ${new URL(url).host}\n` : "no approval webhook\n");
  },
});

export const approvalsGroup = defineGroup({ name: "approvals", summary: "calls waiting for a person's decision, and who hears of them", commands: [list, get, decideCommand("approve"), decideCommand("deny"), webhook] });
