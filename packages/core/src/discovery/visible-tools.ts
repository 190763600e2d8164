import type { PreparedTool } from "../runtime/prepared-tool.ts";
import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";
import { hasScopes } from "../scopes/has-scopes.ts";

/**
 * Whether a caller with these scopes may see the tool: the rule tools/list has always used
 * (the tool's required scopes are granted; `null` = full project access). Search, describe,
 * families and listing all filter with it before anything else, so a caller never learns of
 * a tool it could not call.
 */
export function canSee(tool: PreparedTool, scopes: readonly string[] | null): boolean {
  return hasScopes(tool.requiredScopes, scopes);
}

export function visibleTools(runtime: ProjectRuntime, scopes: readonly string[] | null): PreparedTool[] {
  return runtime.toolList.filter((tool) => canSee(tool, scopes));
}
