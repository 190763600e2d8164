import { APPROVAL_TTL_MS } from "../approvals/request-approval.ts";
import { claimIdempotencyKey, type StoredToolResult } from "../idempotency/claim-idempotency-key.ts";
import { type ResolvedIdempotencyKey, resolveIdempotencyKey } from "../idempotency/resolve-idempotency-key.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import { failed, type StepResult } from "./call-failure.ts";
import type { CallableTool } from "./callable-tool.ts";

/** The idempotency step's value: go on holding the key, or answer from another run. */
export type KeyClaim =
  /** no key applies (read-only tool without an explicit key): send */
  | { kind: "none" }
  /** this call holds the key: send with `upstreamKey` */
  | { kind: "claimed"; key: ResolvedIdempotencyKey; recordId: string; upstreamKey: string }
  /** the key completed before: replay its result */
  | { kind: "replay"; originalRunId: string; result: StoredToolResult }
  /** the same call is waiting for (or running after) its approval: wait on that run */
  | { kind: "join"; originalRunId: string };

/** The key of a call, as `resolveIdempotencyKey` picks it, with a typed failure for a bad one. */
export function resolveCallKey(input: Parameters<typeof resolveIdempotencyKey>[0]): StepResult<ResolvedIdempotencyKey | null> {
  const resolved = resolveIdempotencyKey(input);
  return resolved.ok ? { ok: true, value: resolved.resolved } : failed("invalid_idempotency_key", resolved.error);
}

/**
 * The idempotency step: claims the call's key (the unique constraint decides across replicas).
 * A call waiting for a person holds its key until the approval expires, so a retry joins it
 * instead of asking again.
 */
export async function claimCallKey(
  deps: Pick<ToolCallDeps, "db" | "hot" | "idempotencyWaitMs" | "now">,
  input: { projectId: string; principalKey: string; tool: CallableTool; key: ResolvedIdempotencyKey; runId: string; needsApproval: boolean },
): Promise<StepResult<KeyClaim>> {
  const { tool, key, needsApproval } = input;
  const sendBudgetMs = tool.timeoutMs * tool.maxAttempts;
  const outcome = await claimIdempotencyKey(deps.db, deps.hot, { projectId: input.projectId, principalKey: input.principalKey, toolId: tool.id }, key, input.runId, {
    leaseMs: needsApproval ? APPROVAL_TTL_MS + 60_000 : sendBudgetMs + 30_000,
    waitMs: needsApproval ? 0 : (deps.idempotencyWaitMs ?? sendBudgetMs + 5_000),
    now: deps.now,
  });
  switch (outcome.kind) {
    case "claimed":
      return { ok: true, value: { kind: "claimed", key, recordId: outcome.recordId, upstreamKey: outcome.upstreamKey } };
    case "replay":
      return { ok: true, value: outcome };
    case "mismatch":
      return failed("idempotency_key_reused", `Idempotency key "${key.key}" was already used with different arguments for tool ${tool.name}; nothing was sent`);
    case "busy":
      if (needsApproval) return { ok: true, value: { kind: "join", originalRunId: outcome.originalRunId } };
      return failed("idempotency_key_busy", `A call with the same idempotency key is still in progress (run ${outcome.originalRunId}); retry later to get its result`, "failed", { originalRunId: outcome.originalRunId });
  }
}
