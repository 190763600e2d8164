import type { PreparedTool } from "../runtime/prepared-tool.ts";
import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";
import { ToolSearchIndex } from "./search-index.ts";

/** One index per runtime (one config version), built on the first search. */
const byRuntime = new WeakMap<ProjectRuntime, ToolSearchIndex>();
/** The last index of each project with what it was built from, so a new config version whose tools did not change (a secret, a setting) reuses it. */
const lastByProject = new Map<string, { fingerprint: string; index: ToolSearchIndex }>();
const MAX_PROJECTS = 1000;

/**
 * The project's tool search index for this runtime. Built once per project config version,
 * held in memory, and rebuilt only when the tools changed (their ids and update times).
 */
export function searchIndexFor(projectId: string, runtime: ProjectRuntime): ToolSearchIndex {
  const cached = byRuntime.get(runtime);
  if (cached) return cached;
  const fingerprint = fingerprintOf(runtime.toolList);
  const last = lastByProject.get(projectId);
  const index = last && last.fingerprint === fingerprint ? rebind(last.index, runtime.toolList) : new ToolSearchIndex(runtime.toolList);
  byRuntime.set(runtime, index);
  lastByProject.delete(projectId);
  lastByProject.set(projectId, { fingerprint, index });
  if (lastByProject.size > MAX_PROJECTS) lastByProject.delete(lastByProject.keys().next().value!);
  return index;
}

function fingerprintOf(tools: readonly PreparedTool[]): string {
  return tools.map((t) => `${t.id}@${t.updatedAt}`).join(",");
}

/** The same postings over this runtime's PreparedTool objects (same tools, same order). */
function rebind(index: ToolSearchIndex, tools: readonly PreparedTool[]): ToolSearchIndex {
  return index.withTools(tools);
}
