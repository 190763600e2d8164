import {
  CALL_TOOL,
  DESCRIBE_TOOL,
  describeTools,
  describeToolsInput,
  familiesFor,
  findOwnRun,
  isDiscoveryTool,
  isSettled,
  type ProjectRuntime,
  resolveFamilyCall,
  RUN_ID,
  SEARCH_TOOL,
  searchTools,
  searchToolsInput,
  toolResultOfRun,
  type ToolResult,
} from "@tengine/core";
import { z } from "zod";
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
  return BUILTIN_TOOLS.some((t) => t.name === name) || isDiscoveryTool(name);
}

/** A tools/call the gateway runs as the direct call of a project tool (same pipeline, same run). */
export type ForwardedCall = { forward: { toolName: string; args: unknown; idempotencyKey?: string } };

const callToolInput = z
  .object({
    name: z.string({ message: "name must be a tool name" }).min(1, "name must not be empty").max(64, "name is at most 64 characters"),
    arguments: z.record(z.string(), z.unknown(), { message: "arguments must be an object" }).optional(),
    idempotency_key: z.string({ message: "idempotency_key must be a string" }).min(1).max(255, "idempotency_key is at most 255 characters").optional(),
  })
  .strict();

const toolError = (text: string): ToolResult => ({ content: [{ type: "text", text }], isError: true });
const problem = (tool: string, error: z.ZodError) => toolError(`Invalid arguments for ${tool}: ${error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; ")}`);

/**
 * tengine_search_tools, tengine_describe_tools and tengine_call_tool. Search and describe see
 * only the tools the caller may call. tengine_call_tool is not a second call path: it names
 * the project tool that tools/call then runs exactly as if it had been called directly.
 */
export function callDiscoveryTool(runtime: ProjectRuntime, ctx: CallContext, name: string, args: Record<string, unknown>, toolsets: readonly string[]): ToolResult | ForwardedCall {
  const scopes = ctx.principal.scopes;
  if (name === SEARCH_TOOL) {
    const input = searchToolsInput.safeParse(args);
    if (!input.success) return problem(name, input.error);
    const results = searchTools(ctx.project.id, runtime, scopes, input.data, toolsets);
    const text = results.length ? JSON.stringify({ results }, null, 1) : `No tool matches "${input.data.query}"${input.data.family ? ` in family ${input.data.family}` : ""}.`;
    return { content: [{ type: "text", text }], structuredContent: { results } };
  }
  if (name === DESCRIBE_TOOL) {
    const input = describeToolsInput.safeParse(args);
    if (!input.success) return problem(name, input.error);
    const described = describeTools(runtime, scopes, input.data.names, toolsets);
    return { content: [{ type: "text", text: JSON.stringify(described, null, 1) }], structuredContent: described, ...(described.tools.length === 0 ? { isError: true } : {}) };
  }
  const input = callToolInput.safeParse(args);
  if (!input.success) return problem(CALL_TOOL, input.error);
  if (isBuiltinTool(input.data.name)) return toolError(`${CALL_TOOL} calls this server's tools; call ${input.data.name} directly`);
  return { forward: { toolName: input.data.name, args: input.data.arguments ?? {}, ...(input.data.idempotency_key ? { idempotencyKey: input.data.idempotency_key } : {}) } };
}

/** A call of a family tool (families mode) as the call of the tool its `action` names. */
export function callFamilyTool(runtime: ProjectRuntime, ctx: CallContext, name: string, args: Record<string, unknown>, toolsets: readonly string[]): ToolResult | ForwardedCall | undefined {
  if (runtime.discovery.mode !== "families" || runtime.tools.has(name)) return undefined;
  const resolved = resolveFamilyCall(familiesFor(runtime, ctx.principal.scopes, undefined, toolsets).groups, name, args);
  if (!resolved) return undefined;
  if (!resolved.ok) return toolError(`Invalid arguments for ${name}: ${resolved.message}`);
  return { forward: { toolName: resolved.toolName, args: resolved.args } };
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
  return runStatus(db, ctx, args);
}

/**
 * tengine_run_status (DESIGN §4): the state of one of the caller's own runs and, once it has
 * settled, its result exactly as the original call would have returned it. Another
 * principal's run, or another project's, is "not found".
 */
async function runStatus(db: Db, ctx: CallContext, args: Record<string, unknown>): Promise<ToolResult> {
  const { principal, project } = ctx;
  const runId = typeof args.runId === "string" ? args.runId : "";
  if (!RUN_ID.test(runId)) return { content: [{ type: "text", text: "runId must be a run id (run_…)" }], isError: true };
  const run = await findOwnRun(db, project.id, runId, principal);
  if (!run) return { content: [{ type: "text", text: `Run ${runId} not found` }], isError: true };
  const expired = run.status === "denied" && run.error === "approval expired";
  const state = expired ? "expired" : run.status;
  const status = {
    runId: run.id,
    tool: run.toolName,
    status: state,
    ...(run.httpStatus !== null ? { httpStatus: run.httpStatus } : {}),
    ...(run.error ? { error: run.error } : {}),
    createdAt: run.createdAt.toISOString(),
    ...(run.finishedAt ? { finishedAt: run.finishedAt.toISOString() } : {}),
  };
  if (!isSettled(run.status)) {
    const note = run.status === "pending" ? "It is waiting for approval by a person; ask again later." : "It was approved and is running; ask again shortly.";
    return { content: [{ type: "text", text: `Run ${run.id} of tool ${run.toolName} is ${state}. ${note}` }], structuredContent: status, _meta: { "tengine/runId": run.id } };
  }
  // The settled call's own result (a denial is its tool error), with the state alongside.
  const result = await toolResultOfRun(db, run);
  return {
    ...result,
    content: [{ type: "text", text: `Run ${run.id} of tool ${run.toolName}: ${state}` }, ...result.content],
    structuredContent: { ...status, ...(result.structuredContent ? { result: result.structuredContent } : {}) },
  };
}
