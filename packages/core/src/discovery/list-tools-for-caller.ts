import type { ListedTool, PreparedTool } from "../runtime/prepared-tool.ts";
import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";
import type { ToolDiscoveryMode } from "./discovery-settings.ts";
import { DISCOVERY_TOOLS } from "./discovery-tools.ts";
import { familyTool, groupByFamily } from "./family-tools.ts";
import { PerCallerCache } from "./per-caller-cache.ts";
import { visibleTools } from "./visible-tools.ts";

export type CallerToolList = {
  /** the mode in effect for this caller (`auto` resolved to list or search) */
  mode: Exclude<ToolDiscoveryMode, "auto">;
  tools: ListedTool[];
};

/** Family tools per runtime and scope set: built once, reused for tools/list and calls. */
const familiesCache = new PerCallerCache<ReturnType<typeof groupByFamily>>();

/**
 * What tools/list shows a caller, by the project's discovery mode. Every mode starts from
 * the tools the caller may call (scopes), so nothing else is listed or counted:
 * - `list`: all of them;
 * - `search`: the pinned ones and the search/describe/call built-ins;
 * - `auto`: `list` up to the threshold, `search` above it;
 * - `families`: pinned tools, one tool per family, and tools without a family as they are.
 */
export function listToolsForCaller(runtime: ProjectRuntime, scopes: readonly string[] | null, toolsets: readonly string[] = []): CallerToolList {
  const { mode, threshold, pinned } = runtime.discovery;
  const visible = visibleTools(runtime, scopes, toolsets);
  const effective = mode === "auto" ? (visible.length > threshold ? "search" : "list") : mode;
  if (effective === "list") return { mode: "list", tools: visible.map((t) => t.listed) };
  const pinnedTools = pinnedOf(visible, pinned);
  if (effective === "search") return { mode: "search", tools: [...pinnedTools.map((t) => t.listed), ...DISCOVERY_TOOLS] };
  const { groups, loose } = familiesFor(runtime, scopes, visible, toolsets);
  const listed = new Set(pinnedTools.map((t) => t.name));
  const looseTools = loose.filter((t) => !listed.has(t.name));
  const names = new Set([...listed, ...looseTools.map((t) => t.name)]);
  // A project tool that happens to have a family tool's name wins; its family is not listed.
  const familyTools = groups.filter((g) => !names.has(g.toolName)).map(familyTool);
  return { mode: "families", tools: [...pinnedTools.map((t) => t.listed), ...familyTools, ...looseTools.map((t) => t.listed)] };
}

/** The family groups of the caller's visible tools (families mode). */
export function familiesFor(runtime: ProjectRuntime, scopes: readonly string[] | null, visible?: PreparedTool[], toolsets: readonly string[] = []): ReturnType<typeof groupByFamily> {
  return familiesCache.get(runtime, scopes, toolsets, () => groupByFamily(visible ?? visibleTools(runtime, scopes, toolsets)));
}

function pinnedOf(visible: readonly PreparedTool[], pinned: readonly string[]): PreparedTool[] {
  if (pinned.length === 0) return [];
  const wanted = new Set(pinned);
  return visible.filter((t) => wanted.has(t.name));
}
