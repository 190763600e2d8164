import type { ToolCallDeps } from "../execution/call-deps.ts";
import { checkCallLimits } from "../execution/check-call-limits.ts";
import { type ToolResult, toolError } from "../execution/tool-result.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import { type Principal, principalKey } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";

/**
 * The limits step for `tengine_search_tools` and `tengine_describe_tools`: each counts as one
 * call against the project's rate limits, exactly as a tool call does (the project's window,
 * the caller's, and the built-in's own per-tool window), so an agent cannot search without
 * bound where it could not call without bound. They are not recorded as runs: they change
 * nothing upstream, and an agent's dozens of searches would bury the calls an admin looks for
 * (the gateway's `tool_calls` metric counts them instead). `tengine_call_tool` is not limited
 * here: it is the call of the tool it names and counts once, as that tool.
 *
 * @returns the tool error to answer when a limit refuses, or undefined when the call may go on.
 */
export async function limitDiscoveryCall(
  deps: Pick<ToolCallDeps, "limiter" | "onRateLimit">,
  input: { project: Pick<ProjectConfig, "id" | "slug">; limits: RateLimits | null; principal: Principal; toolName: string },
): Promise<ToolResult | undefined> {
  const limited = await checkCallLimits(deps, { project: input.project, limits: input.limits, principalKey: principalKey(input.principal), toolName: input.toolName });
  if (limited.ok) return undefined;
  const { message, retryAfterMs } = limited.failure;
  return { ...toolError(message), ...(retryAfterMs === undefined ? {} : { _meta: { "tengine/retryAfterMs": retryAfterMs } }) };
}
