import type { Db } from "@tengine/db";

/** What an audit entry is about, by name: what the log shows instead of ids. */
export type AuditTargetView = {
  /** the entry's targetType: tool, api_key, user, project, approval, mcp_server, tool_import, … */
  kind: string;
  /** the target's current name (or, once deleted, the name the entry recorded) */
  label: string;
  /** false when the target no longer exists (deleted tool, removed member): shown without a link */
  exists: boolean;
  /** the project the target belongs to (its pages are under it) */
  projectSlug?: string;
  /** a tool's current name, for its page */
  toolName?: string;
  /** an approval's run, for its page */
  runId?: string;
};

export type AuditEntryView = { actorLabel: string; actorIsPerson: boolean; target?: AuditTargetView };

type EntryRef = { id: string; projectId: string | null; actorUserId: string | null; actorEmail: string | null; targetType: string | null; targetId: string | null; details: unknown };

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value : undefined);

/**
 * Names instead of ids for a page of audit entries of one organization: the actor's email, and
 * the target's current name with what its page needs. One query per kind of target, each
 * scoped to the organization's projects (or members), so an id recorded in this organization's
 * log never reveals another tenant's data.
 */
export async function describeAuditEntries(db: Db, orgId: string, entries: EntryRef[]): Promise<Map<string, AuditEntryView>> {
  const idsOf = (kind: string) => [...new Set(entries.filter((e) => e.targetType === kind && e.targetId).map((e) => e.targetId!))];
  const projects = await db.project.findMany({ where: { orgId }, select: { id: true, name: true, slug: true } });
  const projectById = new Map(projects.map((p) => [p.id, p]));
  const inOrg = { projectId: { in: projects.map((p) => p.id) } };
  const actorIds = [...new Set(entries.filter((e) => e.actorUserId && !e.actorEmail).map((e) => e.actorUserId!))];
  const [actors, tools, keys, approvals, servers, imports, members] = await Promise.all([
    actorIds.length ? db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } }) : [],
    idsOf("tool").length ? db.tool.findMany({ where: { id: { in: idsOf("tool") }, ...inOrg }, select: { id: true, name: true, projectId: true } }) : [],
    idsOf("api_key").length ? db.apiKey.findMany({ where: { id: { in: idsOf("api_key") }, ...inOrg }, select: { id: true, name: true, projectId: true } }) : [],
    idsOf("approval").length ? db.approval.findMany({ where: { id: { in: idsOf("approval") }, ...inOrg }, select: { id: true, runId: true, toolName: true, projectId: true } }) : [],
    idsOf("mcp_server").length ? db.mcpServer.findMany({ where: { id: { in: idsOf("mcp_server") }, ...inOrg }, select: { id: true, name: true, projectId: true } }) : [],
    idsOf("tool_import").length ? db.toolImport.findMany({ where: { id: { in: idsOf("tool_import") }, ...inOrg }, select: { id: true, title: true, projectId: true } }) : [],
    idsOf("user").length ? db.membership.findMany({ where: { orgId, userId: { in: idsOf("user") } }, select: { userId: true, user: { select: { email: true } } } }) : [],
  ]);
  const actorEmail = new Map(actors.map((u) => [u.id, u.email]));
  const byKind: Record<string, Map<string, { label: string; projectId?: string; toolName?: string; runId?: string }>> = {
    tool: new Map(tools.map((t) => [t.id, { label: t.name, projectId: t.projectId, toolName: t.name }])),
    api_key: new Map(keys.map((k) => [k.id, { label: k.name, projectId: k.projectId }])),
    approval: new Map(approvals.map((a) => [a.id, { label: `${a.toolName} call`, projectId: a.projectId, runId: a.runId }])),
    mcp_server: new Map(servers.map((s) => [s.id, { label: s.name, projectId: s.projectId }])),
    tool_import: new Map(imports.map((i) => [i.id, { label: i.title ?? "OpenAPI import", projectId: i.projectId }])),
    user: new Map(members.map((m) => [m.userId, { label: m.user.email }])),
    project: new Map(projects.map((p) => [p.id, { label: p.name, projectId: p.id }])),
  };

  const views = new Map<string, AuditEntryView>();
  for (const entry of entries) {
    const details = (entry.details && typeof entry.details === "object" ? entry.details : {}) as Record<string, unknown>;
    const email = entry.actorEmail ?? (entry.actorUserId ? actorEmail.get(entry.actorUserId) : undefined);
    const view: AuditEntryView = { actorLabel: email ?? "CLI / operator", actorIsPerson: !!email && !!entry.actorUserId };
    if (entry.targetType) {
      const found = entry.targetId ? byKind[entry.targetType]?.get(entry.targetId) : undefined;
      const recorded = text(details.name) ?? text(details.email) ?? text(details.title) ?? text(details.server);
      const projectId = found?.projectId ?? entry.projectId ?? undefined;
      const project = projectId ? projectById.get(projectId) : undefined;
      view.target = {
        kind: entry.targetType,
        label: found?.label ?? recorded ?? entry.targetId ?? entry.targetType,
        // Kinds the log cannot look up (signing secrets, invitations, connections) count as existing while their project does.
        exists: found ? true : !(entry.targetType in byKind) && (!projectId || !!project),
        ...(project ? { projectSlug: project.slug } : {}),
        ...(found?.toolName ? { toolName: found.toolName } : {}),
        ...(found?.runId ? { runId: found.runId } : {}),
      };
    }
    views.set(entry.id, view);
  }
  return views;
}
