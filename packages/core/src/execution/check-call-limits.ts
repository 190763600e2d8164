import type { RateLimits } from "../limits/rate-limits.ts";
import { checkRateLimits, rateLimitMessage } from "../limits/check-rate-limits.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import { failed, type StepResult } from "./call-failure.ts";

/**
 * The limits step: the project's rate limits for this caller and tool. Refused and degraded
 * checks are reported to `onRateLimit`; only a refusal stops the call.
 */
export async function checkCallLimits(
  deps: Pick<ToolCallDeps, "limiter" | "onRateLimit">,
  input: { project: Pick<ProjectConfig, "id" | "slug">; limits: RateLimits | null; principalKey: string; toolName: string },
): Promise<StepResult<void>> {
  if (!deps.limiter) return OK;
  const { project, toolName } = input;
  const check = await checkRateLimits(deps.limiter, { projectId: project.id, limits: input.limits, principalKey: input.principalKey, toolName });
  if (check.ok !== true) deps.onRateLimit?.({ projectId: project.id, projectSlug: project.slug, toolName, check });
  if (check.ok !== false) return OK;
  return failed("rate_limited", rateLimitMessage(check), "rate_limited", check.scope === "unavailable" ? {} : { retryAfterMs: check.retryAfterMs });
}

const OK: StepResult<void> = { ok: true, value: undefined };
