import { AppError, listAudit } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { isoDateTime, wholeNumber } from "../usage-error.ts";
import { actingOnOrg, asOption, orgOption } from "./shared.ts";

type ListOptions = { org?: string; project?: string; action?: string; actor?: string; since?: string; until?: string; limit: number; cursor?: string; as?: string };

const list = defineCommand<ListOptions>({
  name: "list",
  summary: "the organization's audit log, newest first: who changed what, when",
  details: "Secret values are never recorded. With --as, the person must be an admin or owner, as for the dashboard's audit log.",
  options: [
    orgOption,
    { flags: "--project <slug>", description: "only entries of this project" },
    { flags: "--action <action>", description: "only this action (tool.update), or a kind of action with * (tool.*)" },
    { flags: "--actor <email>", description: "only changes by this person (the CLI records itself as \"tengine CLI\")" },
    { flags: "--since <time>", description: "only entries since this ISO 8601 time", parse: isoDateTime("--since") },
    { flags: "--until <time>", description: "only entries before this ISO 8601 time", parse: isoDateTime("--until") },
    { flags: "--limit <n>", description: "page size, 1 to 200", parse: wholeNumber("--limit", 1, 200), default: 50 },
    { flags: "--cursor <auditId>", description: "entries older than this one (the nextCursor of the previous page)" },
    asOption,
  ],
  examples: ["tengine audit list --org acme --project acme-crm --action 'tool.*' --since 2026-12-01T00:00:00Z"],
  json: "{ entries: [{ id, orgId, projectId, actorUserId, actorEmail, action, targetType, targetId, details, createdAt }], nextCursor }",
  async run(ctx, { opts, json }) {
    const { org } = await actingOnOrg(ctx, opts.org, opts.as, "admin");
    let projectId: string | undefined;
    if (opts.project) {
      const project = await ctx.db.project.findFirst({ where: { slug: opts.project, orgId: org.id }, select: { id: true } });
      if (!project) throw new AppError("not_found", `project "${opts.project}" not found in organization "${org.slug}"`);
      projectId = project.id;
    }
    const page = await listAudit(ctx.db, org.id, {
      limit: opts.limit,
      ...(opts.cursor ? { cursor: opts.cursor } : {}),
      ...(projectId ? { projectId } : {}),
      ...(opts.action ? { action: opts.action } : {}),
      ...(opts.actor ? { actorEmail: opts.actor.trim().toLowerCase() === "tengine cli" ? "tengine CLI" : opts.actor.trim().toLowerCase() } : {}),
      ...(opts.since ? { since: new Date(opts.since) } : {}),
      ...(opts.until ? { until: new Date(opts.until) } : {}),
    });
    if (json) return print(true, page);
    print(false, page, { rows: page.entries.map((e) => ({ ...e, actor: e.actorEmail ?? e.actorUserId, target: e.targetId })), columns: ["createdAt", "actor", "action", "target", "details"] });
    if (page.nextCursor) process.stdout.write(`more: add --cursor ${page.nextCursor}\n`);
  },
});

export const auditGroup = defineGroup({ name: "audit", summary: "the organization's audit log", commands: [list] });
