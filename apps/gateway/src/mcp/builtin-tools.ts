import { getRun, type ToolResult } from "@tengine/core";
import type { Db } from "@tengine/db";
import type { CallContext } from "./call-context.ts";

/** Tools every principal sees (DESIGN §4). */
export const BUILTIN_TOOLS = [
  {
    name: "mcp_whoami",
    title: "Who am I",
    description: "Shows who this connection acts as: principal kind, user or member, client, project, granted scopes and token expiry.",
    inputSchema: { type: "object", properties: {}, additionalProperties: false },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "tengine_run_status",
    title: "Run status",
    description: "Gets the state and result of an earlier tool call of yours by its run id (from the result's _meta[\"tengine/runId\"]), e.g. a call that was pending approval.",
    inputSchema: { type: "object", properties: { runId: { type: "string", description: "run id, run_…" } }, required: ["runId"], additionalProperties: false },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
] as const;

export function isBuiltinTool(name: string) {
  return BUILTIN_TOOLS.some((t) => t.name === name);
}

export async function callBuiltinTool(db: Db, ctx: CallContext, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const { principal, project } = ctx;
  if (name === "mcp_whoami") {
    const info = {
      kind: principal.kind,
      project: { id: project.id, slug: project.slug },
      ...(principal.keyId ? { apiKeyId: principal.keyId } : {}),
      ...(principal.member ? { member: principal.member } : {}),
      ...(principal.userId ? { userId: principal.userId } : {}),
      ...(principal.clientId ? { clientId: principal.clientId } : {}),
      scopes: principal.scopes ?? (principal.kind === "member" ? "all (the session's API key has no scope list)" : "all (API key without scope list)"),
      ...(principal.expiresAt ? { expiresAt: new Date(principal.expiresAt * 1000).toISOString() } : {}),
    };
    return { content: [{ type: "text", text: JSON.stringify(info, null, 2) }], structuredContent: info };
  }
  const runId = typeof args.runId === "string" ? args.runId : "";
  if (!/^run_[0-9a-z]{26}$/.test(runId)) return { content: [{ type: "text", text: "runId must be a run id (run_…)" }], isError: true };
  const run = await getRun(db, project.id, runId);
  // Only the principal's own runs: another caller's run is "not found", like another project's.
  const own = run && run.principalKind === principal.kind && (run.apiKeyId ?? undefined) === principal.keyId && (run.memberId ?? undefined) === principal.memberId && (run.userId ?? undefined) === principal.userId;
  if (!run || !own) return { content: [{ type: "text", text: `Run ${runId} not found` }], isError: true };
  const status = {
    runId: run.id,
    tool: run.toolName,
    status: run.status,
    httpStatus: run.httpStatus ?? undefined,
    error: run.error ?? undefined,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString(),
    response: (run.response as { body?: string } | null)?.body,
  };
  return { content: [{ type: "text", text: JSON.stringify(status, null, 2) }], structuredContent: status };
}
