import { isInfraUnavailableError } from "../infra/infra-unavailable-error.ts";
import type { RateLimiter } from "../infra/rate-limiter.ts";
import { type RateLimits, type RateLimitScope, rateLimitsSchema } from "./rate-limits.ts";

export type RateLimitCheck =
  | { ok: true }
  | { ok: false; scope: RateLimitScope; retryAfterMs: number }
  /** the limiter refused to answer (Redis down) and the project fails closed */
  | { ok: false; scope: "unavailable"; reason: string }
  /** the limiter could not answer and the project fails open: allowed, caller logs + counts */
  | { ok: "degraded"; reason: string };

export type RateLimitSubject = {
  projectId: string;
  /** parsed once per project config version (ProjectRuntimeCache), never per call */
  limits: RateLimits | null;
  /** `principalKey(principal)`: one API key, member or OAuth client */
  principalKey: string;
  toolName: string;
};

/**
 * The stored `Project.rateLimits`, or null when unlimited. A value that does not match the
 * schema (edited by hand) counts as unlimited rather than breaking every call.
 */
export function readRateLimits(stored: unknown): RateLimits | null {
  if (stored === null || stored === undefined) return null;
  const parsed = rateLimitsSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/**
 * DESIGN §7 step 4: counts one call against the project's limits, in the order project →
 * principal → tool, stopping at the first that refuses. Keys: `p:<projectId>`,
 * `pp:<projectId>:<principalKey>`, `pt:<projectId>:<toolName>`. A refused check has already
 * counted the call in the limits before it (it was attempted), as a gateway would.
 */
export async function checkRateLimits(limiter: RateLimiter, subject: RateLimitSubject): Promise<RateLimitCheck> {
  const { limits } = subject;
  if (!limits) return { ok: true };
  const pid = subject.projectId;
  const checks: Array<[RateLimitScope, string, { max: number; windowSec: number } | undefined]> = [
    ["project", `p:${pid}`, limits.project],
    ["principal", `pp:${pid}:${subject.principalKey}`, limits.principal],
    ["tool", `pt:${pid}:${subject.toolName}`, limits.tool],
  ];
  const active = checks.filter((c): c is [RateLimitScope, string, { max: number; windowSec: number }] => c[2] !== undefined);
  if (active.length === 0) return { ok: true };
  try {
    // One atomic step (one Redis round trip) for all windows, stopping at the first refusal.
    const decisions = await limiter.hitAll(active.map(([, key, rule]) => ({ key, limit: { max: rule.max, windowMs: rule.windowSec * 1000 } })));
    const refusedAt = decisions.findIndex((d) => !d.allowed);
    if (refusedAt >= 0) return { ok: false, scope: active[refusedAt]![0], retryAfterMs: decisions[refusedAt]!.retryAfterMs };
  } catch (err) {
    if (!isInfraUnavailableError(err)) throw err;
    if (limits.failOpen) return { ok: "degraded", reason: err.message };
    return { ok: false, scope: "unavailable", reason: err.message };
  }
  return { ok: true };
}

/** The tool error text for a refused check. */
export function rateLimitMessage(check: Exclude<RateLimitCheck, { ok: true } | { ok: "degraded" }>): string {
  if (check.scope === "unavailable") {
    return "Rate limiting is temporarily unavailable and this project refuses calls while it is (fail closed); nothing was sent, retry shortly";
  }
  return `Rate limit exceeded for this ${check.scope}: retry in ${Math.max(1, Math.ceil(check.retryAfterMs / 1000))} s`;
}
