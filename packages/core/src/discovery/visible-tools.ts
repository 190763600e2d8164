import type { PreparedTool } from "../runtime/prepared-tool.ts";
import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";
import { isToolActivated } from "../federation/toolsets.ts";
import { hasScopes } from "../scopes/has-scopes.ts";

/**
 * Whether a caller with these scopes may see the tool: the rule tools/list has always used
 * (the tool's required scopes are granted; `null` = full project access). Search, describe,
 * families and listing all filter with it before anything else, so a caller never learns of
 * a tool it could not call. A tool of an external MCP server activated on request is there
 * only for credentials whose toolsets name the server.
 */
export function canSee(tool: PreparedTool, scopes: readonly string[] | null, toolsets: readonly string[] = []): boolean {
  return hasScopes(tool.requiredScopes, scopes) && isToolActivated(tool, toolsets);
}

export function visibleTools(runtime: ProjectRuntime, scopes: readonly string[] | null, toolsets: readonly string[] = []): PreparedTool[] {
  return runtime.toolList.filter((tool) => canSee(tool, scopes, toolsets));
}
