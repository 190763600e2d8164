import type { Db, HotQueries, IdempotencyRecord } from "@tengine/db";
import { type ToolResult, toolError, toolResultSchema } from "../execution/tool-result.ts";
import { newId } from "../ids/new-id.ts";
import type { ResolvedIdempotencyKey } from "./resolve-idempotency-key.ts";

/** What a completed key replays: the tool result of its run. */
export type StoredToolResult = ToolResult;

export type ClaimOutcome =
  /** this call owns the key: execute, sending `upstreamKey` upstream */
  | { kind: "claimed"; recordId: string; upstreamKey: string }
  /** the key completed before: replay its result, do not call the upstream */
  | { kind: "replay"; originalRunId: string; result: StoredToolResult }
  /** an explicit key reused with other arguments: refuse, send nothing */
  | { kind: "mismatch" }
  /** another call still holds the key after waiting */
  | { kind: "busy"; originalRunId: string };

type Scope = { projectId: string; principalKey: string; toolId: string };

/**
 * Claims a key for one execution. The unique constraint on (project, principal, tool, key) is
 * the arbiter, so exactly one of any number of concurrent calls — on any replica — wins; the
 * others wait for its outcome and replay it (DESIGN §8).
 */
export async function claimIdempotencyKey(
  db: Db,
  hot: HotQueries,
  scope: Scope,
  key: ResolvedIdempotencyKey,
  runId: string,
  options: { leaseMs: number; waitMs: number; now?: () => number },
): Promise<ClaimOutcome> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.waitMs;
  let delay = 10;
  for (;;) {
    const t0 = now();
    const created = await hot.claimIdempotencyKey({
      id: newId("idempotency"),
      ...scope,
      key: key.key,
      source: key.source,
      requestHash: key.requestHash,
      runId,
      leaseUntil: new Date(t0 + options.leaseMs),
      expiresAt: new Date(t0 + key.ttlSeconds * 1000),
    });
    if (created) return { kind: "claimed", recordId: created.id, upstreamKey: created.upstreamKey };

    const existing = await db.idempotencyRecord.findUnique({
      where: { projectId_principalKey_toolId_key: { ...scope, key: key.key } },
    });
    if (!existing) continue; // removed between our insert and read: try again

    const t = now();
    // An expired key is free again, whatever arguments it was first used with.
    if (existing.requestHash !== key.requestHash && existing.expiresAt.getTime() > t) return { kind: "mismatch" };
    if (existing.state === "completed" && existing.expiresAt.getTime() > t) {
      return { kind: "replay", originalRunId: existing.runId, result: readStoredResult(existing.result, existing.runId) };
    }
    const takeover = existing.expiresAt.getTime() <= t || existing.state === "retryable" || (existing.leaseUntil?.getTime() ?? 0) <= t;
    if (takeover) {
      const taken = await tryTakeOver(db, existing, key, runId, t, options.leaseMs);
      if (taken) return { kind: "claimed", recordId: taken.id, upstreamKey: taken.upstreamKey };
      continue;
    }
    if (t >= deadline) return { kind: "busy", originalRunId: existing.runId };
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, deadline - t)));
    delay = Math.min(delay * 2, 200);
  }
}

/**
 * Takes over an expired, abandoned or retryable record with a compare-and-set on its current
 * run id: of several contenders exactly one update matches. An expired key starts afresh (new
 * upstream key); a retryable or abandoned one keeps its upstream key so the upstream can dedupe.
 */
async function tryTakeOver(db: Db, existing: IdempotencyRecord, key: ResolvedIdempotencyKey, runId: string, t: number, leaseMs: number) {
  const expired = existing.expiresAt.getTime() <= t;
  const upstreamKey = expired ? runId : existing.upstreamKey;
  const { count } = await db.idempotencyRecord.updateMany({
    where: { id: existing.id, runId: existing.runId, state: existing.state },
    data: {
      state: "in_flight",
      runId,
      upstreamKey,
      source: key.source,
      result: undefined,
      completedAt: null,
      leaseUntil: new Date(t + leaseMs),
      ...(expired ? { createdAt: new Date(t), expiresAt: new Date(t + key.ttlSeconds * 1000) } : {}),
    },
  });
  return count === 1 ? { id: existing.id, upstreamKey } : null;
}

/**
 * The stored result of a completed key, validated like input. A result that does not parse
 * (edited by hand, an older shape) is still a replay — re-sending could act twice — answered
 * as a tool error that names the original run.
 */
function readStoredResult(stored: unknown, runId: string): StoredToolResult {
  const parsed = toolResultSchema.safeParse(stored);
  return parsed.success ? parsed.data : toolError(`The stored result of run ${runId} (same idempotency key) is unreadable; the call was not sent again`);
}
