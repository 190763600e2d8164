import type { Role } from "../access/roles.ts";
import type { ProjectSettings } from "../projects/update-project-settings.ts";

/**
 * What the audit log records for each change to tools, members and project settings: the
 * action name, the target and the details (never a secret). One definition for every caller —
 * the dashboard's actions and the CLI — so an entry reads the same whoever made the change.
 * Spread into recordAudit together with the org, project and actor.
 */
type Entry = { action: string; targetType: string; targetId: string; details: Record<string, unknown> };

type ToolRef = { id: string; name: string };

export const toolAudit = {
  create: (tool: ToolRef & { method: string; url: string; auth: { type: string } }): Entry => ({ action: "tool.create", targetType: "tool", targetId: tool.id, details: { name: tool.name, method: tool.method, url: tool.url, auth: tool.auth.type } }),
  /** null when nothing changed: no entry is recorded. `before`/`after`: the changed fields' values (updateTool's, never secrets). */
  update: (tool: ToolRef, changed: string[], values?: { before: Record<string, unknown>; after: Record<string, unknown> }): Entry | null =>
    changed.length ? { action: "tool.update", targetType: "tool", targetId: tool.id, details: { name: tool.name, changed, ...(values ? { before: values.before, after: values.after } : {}) } } : null,
  setEnabled: (tool: ToolRef & { enabled: boolean }): Entry => ({ action: tool.enabled ? "tool.enable" : "tool.disable", targetType: "tool", targetId: tool.id, details: { name: tool.name } }),
  delete: (tool: ToolRef): Entry => ({ action: "tool.delete", targetType: "tool", targetId: tool.id, details: { name: tool.name } }),
};

type MemberRef = { userId: string; email: string; role: Role };

export const memberAudit = {
  add: (member: MemberRef, accountCreated: boolean): Entry => ({ action: "member.add", targetType: "user", targetId: member.userId, details: { email: member.email, role: member.role, accountCreated } }),
  /** null when the role did not change */
  roleChange: (member: MemberRef, previousRole: Role): Entry | null =>
    previousRole === member.role ? null : { action: "member.role_change", targetType: "user", targetId: member.userId, details: { email: member.email, from: previousRole, to: member.role } },
  remove: (member: MemberRef): Entry => ({ action: "member.remove", targetType: "user", targetId: member.userId, details: { email: member.email, role: member.role } }),
};

/** A settings change (updateProjectSettings' result): the changed fields before and after; null when nothing changed. */
export function settingsAudit(projectId: string, change: { before: ProjectSettings; after: ProjectSettings; changed: Array<keyof ProjectSettings> }): Entry | null {
  if (change.changed.length === 0) return null;
  const pick = (s: ProjectSettings) => Object.fromEntries(change.changed.map((k) => [k, s[k]]));
  return { action: "project.settings_update", targetType: "project", targetId: projectId, details: { changed: change.changed, before: pick(change.before), after: pick(change.after) } };
}

/** An admin setting of one tool of an MCP server: the fields set or cleared (null = back to the default). */
export function mcpToolAudit(server: { id: string; name: string }, upstreamName: string, change: Record<string, unknown>): Entry | null {
  const changed = Object.keys(change).filter((k) => change[k] !== undefined);
  if (!changed.length) return null;
  return { action: "mcp_server.tool_update", targetType: "mcp_server", targetId: server.id, details: { server: server.name, tool: upstreamName, ...Object.fromEntries(changed.map((k) => [k, change[k]])) } };
}
