import type { Db, Run, RunStatus } from "@tengine/db";
import type { ToolResult } from "../execution/tool-result.ts";
import { toolError, toolResultSchema } from "../execution/tool-result.ts";
import { readRecordedResponse } from "../runs/stored-exchange.ts";
import { mapResponse, type SendSuccess } from "../outbound/index.ts";

/** Statuses after which a run never changes again. */
export const SETTLED_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "denied", "deduplicated", "rate_limited"];

export function isSettled(status: RunStatus) {
  return SETTLED_RUN_STATUSES.includes(status);
}

/**
 * The tool result of a settled run, as the original call would have returned it: the stored
 * idempotency result when the call had a key, otherwise rebuilt from the recorded (redacted,
 * capped) response. A denied run is a tool error naming who denied it and why.
 */
export async function toolResultOfRun(db: Db, run: Pick<Run, "id" | "projectId" | "status" | "error" | "response" | "toolId">): Promise<ToolResult> {
  const meta = { "tengine/runId": run.id };
  if (run.status === "denied" || run.status === "rate_limited") return { ...toolError(run.error ?? `run ${run.id} was ${run.status}`), _meta: meta };
  const stored = await db.idempotencyRecord.findFirst({ where: { projectId: run.projectId, runId: run.id, state: "completed" }, select: { result: true } });
  const result = toolResultSchema.safeParse(stored?.result);
  if (result.success) return { ...result.data, _meta: { ...result.data._meta, ...meta } };
  const response = readRecordedResponse(run.response);
  if (response) {
    const tool = run.toolId ? await db.tool.findFirst({ where: { id: run.toolId, projectId: run.projectId }, select: { maxResponseBytes: true } }) : null;
    const sent = { ok: true, status: response.status, headers: response.headers ?? {}, body: Buffer.from(response.body ?? "", "utf8"), truncated: response.truncated === true } as unknown as SendSuccess;
    const mapped = mapResponse(sent, tool?.maxResponseBytes ?? 16 * 1024);
    return { ...mapped, _meta: meta };
  }
  return { ...toolError(run.error ?? `run ${run.id} failed`), _meta: meta };
}

/** The non-error result of a call still waiting for a person (DESIGN §7 step 6). */
export function pendingApprovalResult(runId: string, toolName: string, expiresAt: Date): ToolResult {
  const text =
    `The call of tool ${toolName} needs approval by a person and is pending (run ${runId}). ` +
    `It runs once approved. Call the tool tengine_run_status with {"runId": "${runId}"} later to get its result ` +
    `(the approval expires at ${expiresAt.toISOString()}).`;
  return {
    content: [{ type: "text", text }],
    structuredContent: { status: "pending", runId, tool: toolName, expiresAt: expiresAt.toISOString() },
    _meta: { "tengine/runId": runId, "tengine/pendingApproval": true },
  };
}
