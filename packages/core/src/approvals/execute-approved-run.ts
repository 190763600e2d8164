import type { Prisma, RunStatus } from "@tengine/db";
import { authorizePrincipal, PRINCIPAL_DENIAL_REASONS, readCredentialState } from "../execution/authorize-principal.ts";
import type { ToolCallDeps } from "../execution/call-deps.ts";
import { type CallFailure, failed } from "../execution/call-failure.ts";
import { type CallableTool, toolForCall } from "../execution/callable-tool.ts";
import { previewCall, sendCall } from "../execution/send-call.ts";
import { findPlatformTool } from "../platform/platform-tools.ts";
import type { Execution } from "../execution/tool-kind.ts";
import type { ToolResult } from "../execution/tool-result.ts";
import { validateArguments } from "../execution/validate-arguments.ts";
import { settleIdempotencyKey } from "../idempotency/settle-idempotency-key.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import { storedPrincipalSchema } from "../principal/principal.ts";
import { readRecordedRequest } from "../runs/stored-exchange.ts";
import { type ProjectConfig, projectConfigSelect } from "../projects/project-config.ts";
import { readApprovalIdempotency, releaseApprovalClaim } from "./approval-claim.ts";
import { runChannel } from "./wait-for-run.ts";

/** A claim older than this (plus the tool's own send budget) was abandoned by a crashed worker. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Executes an approved call once: atomically claims the approval (lease; a crashed claim
 * older than the lease is taken over, the upstream Idempotency-Key stays the run id),
 * renders/signs/sends with the stored principal and arguments, settles the pending run,
 * publishes `run.settled` on PubSub channel `run:<runId>`. No-op for non-approved or
 * already executed approvals.
 *
 * Exactly once: the claim is a compare-and-set on `executionStartedAt`, so of any number of
 * workers one sends; a worker that dies mid-send leaves a claim that expires after the tool's
 * send budget, and the taker-over re-sends with the SAME Idempotency-Key, which the upstream
 * dedupes. Before sending it re-checks what may have changed while the call waited: the
 * principal with the same rule as a direct call (`authorizePrincipal`: revoked key, session
 * or connection, user left the organization, client no longer allowlisted, scopes above the
 * ceiling or below the tool's requirement, member-assertion key changed, MCP disabled), the
 * tool (disabled, deleted or edited so the request differs from the one approved) and the
 * arguments against the current schema. A principal refused here ends the run `denied`.
 */
export async function executeApprovedRun(deps: ToolCallDeps & { pubsub?: PubSub }, approvalId: string): Promise<{ executed: boolean; runId: string }> {
  const { db } = deps;
  const clock = deps.now ?? Date.now;
  const approval = await db.approval.findUnique({ where: { id: approvalId } });
  if (!approval) return { executed: false, runId: "" };
  const runId = approval.runId;
  if (approval.status !== "approved" || approval.executedAt) return { executed: false, runId };

  const projectRow = await db.project.findUnique({ where: { id: approval.projectId }, select: projectConfigSelect });
  if (!projectRow) return { executed: false, runId };
  const project: ProjectConfig = projectRow;
  const runtime = await deps.runtime.get(project.id, project.configVersion);
  // The tool as the call saw it (a platform tool: the action's view, from the stored arguments).
  const found: CallableTool | undefined = runtime.tools.get(approval.toolName) ?? findPlatformTool(approval.toolName);
  const tool = found && found.id === approval.toolId ? toolForCall(found, approval.arguments) : undefined;
  const leaseMs = (tool ? tool.timeoutMs * tool.maxAttempts : 60_000) + LEASE_MARGIN_MS;

  const startedAt = new Date(clock());
  const { count } = await db.approval.updateMany({
    where: {
      id: approval.id,
      status: "approved",
      executedAt: null,
      OR: [{ executionStartedAt: null }, { executionStartedAt: { lt: new Date(startedAt.getTime() - leaseMs) } }],
    },
    data: { executionStartedAt: startedAt },
  });
  if (count !== 1) return { executed: false, runId };
  const takenOver = approval.executionStartedAt !== null;

  const stored = storedPrincipalSchema.safeParse(approval.principal);
  const claim = readApprovalIdempotency(approval.idempotency);
  const upstreamKey = claim?.upstreamKey ?? runId;
  const started = performance.now();

  const refuse = async ({ message, status }: CallFailure) => {
    await settleRun(deps, approval.id, runId, project.id, { status, error: message, gatewayMs: Math.round(performance.now() - started) });
    await releaseApprovalClaim(db, claim, runId);
    await publish(deps.pubsub, runId);
    return { executed: true, runId };
  };

  // The steps of a direct call from scopes on, against what is stored NOW: whatever was
  // revoked, removed, rotated, tightened or edited while the call waited for a person stops it.
  if (!stored.success) return refuse(failed("principal_unreadable", "Not sent: the call's stored principal is unreadable", "denied").failure);
  const principal = stored.data;
  if (!tool) return refuse(failed("tool_changed", `Tool ${approval.toolName} was disabled, deleted or replaced after the call was approved; nothing was sent`).failure);
  // scopes: the same rule a direct call passes (`authorizePrincipal`), with the credential re-read
  const authorized = authorizePrincipal({ credential: await readCredentialState(deps.hot, principal, deps.now ? startedAt : undefined), principal, project, tool });
  if (!authorized.ok) return refuse(failed("principal_denied", `Not sent: ${PRINCIPAL_DENIAL_REASONS[authorized.code]} after the call was approved`, "denied", { denial: authorized.code }).failure);
  // validate
  const valid = validateArguments(tool, approval.arguments ?? {});
  if (!valid.ok) return refuse({ ...valid.failure, message: `Not sent: the arguments no longer match tool ${tool.name}'s input schema: ${(valid.failure.problems ?? []).join("; ")}` });
  const args = valid.value;

  // render, and compare with what the approver approved: a tool edited since would send another request
  const run = await db.run.findFirst({ where: { id: runId, projectId: project.id }, select: { request: true } });
  const call = { principal, project, args, runId, upstreamKey };
  const preview = previewCall(tool, runtime, call);
  if (!preview.ok) return refuse(preview.failure);
  // The approved request is read back validated; one that no longer parses cannot be compared, so nothing is sent.
  const approved = readRecordedRequest(run?.request);
  if (run?.request != null && (!approved || comparable(approved) !== comparable(preview.value))) {
    return refuse(failed("tool_changed", `Tool ${tool.name} was changed after the call was approved (the request would differ from the one approved); nothing was sent`).failure);
  }

  await db.run.updateMany({ where: { id: runId, projectId: project.id, status: { in: ["pending", "running"] } }, data: { status: "running" } });
  // sign → send → map, by the tool's kind
  let execution: Execution;
  try {
    execution = await sendCall(deps, tool, runtime, call);
  } catch (error) {
    // Database or bug mid-send: the lease stays, so after it expires another worker re-sends
    // with the same upstream key.
    throw Object.assign(new Error(`Executing approved run ${runId} failed${takenOver ? " (after a takeover)" : ""}`), { cause: error });
  }
  const kept = execution.replay ?? execution.result;
  const result: ToolResult = { ...kept, _meta: { ...kept._meta, "tengine/runId": runId } };
  await settleRun(deps, approval.id, runId, project.id, { ...execution.run, status: execution.status, gatewayMs: Math.max(0, Math.round(performance.now() - started - (execution.run.upstreamMs ?? 0))) });
  if (claim) {
    if (execution.settle === "released") await releaseApprovalClaim(db, claim, runId);
    else await settleIdempotencyKey(db, deps.hot, claim.recordId, runId, execution.settle === "completed" ? { kind: "completed", result } : { kind: "retryable" });
  }
  await publish(deps.pubsub, runId);
  return { executed: true, runId };
}

type Settlement = {
  status: RunStatus;
  error?: string;
  httpStatus?: number;
  attempts?: number;
  gatewayMs?: number;
  upstreamMs?: number;
  request?: unknown;
  response?: unknown;
};

async function settleRun(deps: ToolCallDeps, approvalId: string, runId: string, projectId: string, s: Settlement) {
  const now = new Date((deps.now ?? Date.now)());
  await deps.db.$transaction([
    deps.db.run.updateMany({
      where: { id: runId, projectId, status: { in: ["pending", "running"] } },
      data: {
        status: s.status,
        error: s.error ?? null,
        httpStatus: s.httpStatus ?? null,
        attempts: s.attempts ?? 0,
        gatewayMs: s.gatewayMs ?? null,
        upstreamMs: s.upstreamMs ?? null,
        ...(s.request !== undefined ? { request: s.request as Prisma.InputJsonValue } : {}),
        ...(s.response !== undefined ? { response: s.response as Prisma.InputJsonValue } : {}),
        finishedAt: now,
      },
    }),
    deps.db.approval.updateMany({ where: { id: approvalId, executedAt: null }, data: { executedAt: now } }),
  ]);
}

async function publish(pubsub: PubSub | undefined, runId: string) {
  // Waiters also poll the row: a lost message only delays them.
  await pubsub?.publish(runChannel(runId), "run.settled").catch(() => {});
}

/** The parts of a recorded request that the approver saw (the signing key may rotate). */
function comparable(request: unknown) {
  const r = (request ?? {}) as { method?: unknown; url?: unknown; headers?: unknown; body?: unknown };
  return JSON.stringify([r.method, r.url, sortKeys(r.headers), r.body ?? null]);
}

function sortKeys(value: unknown) {
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}
