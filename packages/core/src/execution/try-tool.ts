import type { RunStatus } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import { getRun } from "../runs/list-runs.ts";
import { type RecordedRequest, type RecordedResponse, readRecordedRequest, readRecordedResponse } from "../runs/stored-exchange.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import { callTool } from "./call-tool.ts";
import type { ToolResult } from "./tool-result.ts";

export type TryToolRequest = {
  project: ProjectConfig;
  /** the signed-in dashboard user trying the tool */
  user: { id: string; email?: string };
  toolName: string;
  args: unknown;
};

/** What the run recorded about the exchange: request redacted, response capped (DESIGN §10). */
export type TriedRun = {
  status: RunStatus;
  httpStatus: number | null;
  attempts: number;
  gatewayMs: number | null;
  upstreamMs: number | null;
  request: TriedRequest | null;
  response: TriedResponse | null;
  error: string | null;
  idempotencyKey: string | null;
  dedupeSource: string | null;
  originalRunId: string | null;
};
export type TriedRequest = RecordedRequest;
export type TriedResponse = RecordedResponse;

export type TryToolOutcome =
  | { kind: "result"; runId: string; result: ToolResult; run: TriedRun | null }
  | { kind: "unknown_tool"; runId: string; run: TriedRun | null }
  | { kind: "insufficient_scope"; runId: string; missing: string[]; run: TriedRun | null };

/**
 * The dashboard's "Try it": one call through the gateway's own tool-call path (validation,
 * idempotency, rendering, SSRF guard, signing, retries, run recording) as the signed-in user,
 * then the run it recorded — so what the admin sees is exactly what an AI client's call does.
 * The principal has full project access (`scopes: null`): trying a tool is a member+ action
 * in the dashboard, not a credential with scopes.
 */
export async function tryTool(deps: ToolCallDeps, req: TryToolRequest): Promise<TryToolOutcome> {
  const principal: Principal = { projectId: req.project.id, projectSlug: req.project.slug, kind: "dashboard", userId: req.user.id, scopes: null };
  const outcome = await callTool(deps, { principal, project: req.project, credential: { kind: "dashboard" }, toolName: req.toolName, args: req.args });
  const run = await loadRun(deps, req.project.id, outcome.runId);
  if (outcome.kind === "result") return { kind: "result", runId: outcome.runId, result: outcome.result, run };
  if (outcome.kind === "unknown_tool") return { kind: "unknown_tool", runId: outcome.runId, run };
  return { kind: "insufficient_scope", runId: outcome.runId, missing: outcome.missing, run };
}

async function loadRun(deps: ToolCallDeps, projectId: string, runId: string): Promise<TriedRun | null> {
  const row = await getRun(deps.db, projectId, runId);
  if (!row) return null;
  return {
    status: row.status,
    httpStatus: row.httpStatus,
    attempts: row.attempts,
    gatewayMs: row.gatewayMs,
    upstreamMs: row.upstreamMs,
    request: readRecordedRequest(row.request),
    response: readRecordedResponse(row.response),
    error: row.error,
    idempotencyKey: row.idempotencyKey,
    dedupeSource: row.dedupeSource,
    originalRunId: row.originalRunId,
  };
}
