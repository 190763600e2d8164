import type { Db, Prisma } from "@tengine/db";
import type { ToolResult } from "../execution/tool-result.ts";
import { newId } from "../ids/new-id.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import type { Principal } from "../principal/principal.ts";
import { runPrincipalColumns } from "../runs/record-run.ts";
import type { ApprovalIdempotency } from "./approval-claim.ts";
import { pendingApprovalResult, toolResultOfRun } from "./run-outcome.ts";
import { waitForRun } from "./wait-for-run.ts";

/** How long an approval stays open before the worker expires it. */
export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a tools/call waits for the decision before answering "pending" (DESIGN §7 step 6). */
export const DEFAULT_APPROVAL_WAIT_MS = 25_000;

export type ApprovalRequest = {
  runId: string;
  projectId: string;
  toolId: string;
  toolName: string;
  principal: Principal;
  /** the validated arguments */
  args: unknown;
  /** the arguments as the run keeps them (a tool's `recordedArguments`: secrets redacted); default `args` */
  recordedArgs?: unknown;
  /** the rendered request, secrets redacted: what the approver reads */
  request: unknown;
  idempotency: ApprovalIdempotency | null;
  /** the run's idempotency columns */
  idempotencyKey?: string;
  dedupeSource?: string;
  createdAt: Date;
  expiresAt: Date;
};

/**
 * Records a call that waits for a person: its run, `pending` (unfinished), and the Approval
 * with everything the worker needs to send it later — principal snapshot, validated arguments,
 * idempotency claim — in one transaction.
 */
export async function requestApproval(db: Db, input: ApprovalRequest): Promise<{ approvalId: string }> {
  const p = input.principal;
  const approvalId = newId("approval");
  await db.$transaction([
    db.run.create({
      data: {
        id: input.runId,
        projectId: input.projectId,
        toolId: input.toolId,
        toolName: input.toolName,
        status: "pending",
        ...runPrincipalColumns(p),
        idempotencyKey: input.idempotencyKey ?? null,
        dedupeSource: input.dedupeSource ?? null,
        arguments: (input.recordedArgs === undefined ? input.args : input.recordedArgs) as Prisma.InputJsonValue,
        request: input.request as Prisma.InputJsonValue,
        createdAt: input.createdAt,
      },
    }),
    db.approval.create({
      data: {
        id: approvalId,
        projectId: input.projectId,
        runId: input.runId,
        toolId: input.toolId,
        toolName: input.toolName,
        principal: p as unknown as Prisma.InputJsonValue,
        arguments: input.args as Prisma.InputJsonValue,
        ...(input.idempotency ? { idempotency: input.idempotency as unknown as Prisma.InputJsonValue } : {}),
        expiresAt: input.expiresAt,
      },
    }),
  ]);
  return { approvalId };
}

/**
 * Waits a bounded time for a pending run's decision and answers the call: the run's result
 * once executed, a tool error when denied, or a non-error "pending" result naming the run
 * for `tengine_run_status`.
 */
export async function awaitApprovedRun(deps: { db: Db; pubsub?: PubSub }, input: { projectId: string; runId: string; toolName: string; waitMs: number; pollMs?: number }): Promise<{ result: ToolResult; waiting?: { runId: string; expiresAt: Date } }> {
  // No wait asked (a modern client follows up itself): not even one read of the run.
  const settled = input.waitMs > 0 ? await waitForRun(deps, input.projectId, input.runId, { waitMs: input.waitMs, ...(input.pollMs ? { pollMs: input.pollMs } : {}) }) : null;
  if (settled) return { result: await toolResultOfRun(deps.db, settled) };
  const approval = await deps.db.approval.findUnique({ where: { runId: input.runId }, select: { expiresAt: true } });
  const expiresAt = approval?.expiresAt ?? new Date(Date.now() + APPROVAL_TTL_MS);
  return { result: pendingApprovalResult(input.runId, input.toolName, expiresAt), waiting: { runId: input.runId, expiresAt } };
}
