import { createHash } from "node:crypto";
import type { McpToolSetting } from "./mcp-server-config.ts";

/** MCP clients and model APIs accept tool names up to 64 characters. */
export const MAX_TOOL_NAME = 64;

export type NamespacedTool = {
  /** the name in the project */
  name: string;
  /** the name the upstream knows */
  upstreamName: string;
  /** why the name is not `<server>_<tool>` (shown to the admin) */
  renamed?: string;
};

/**
 * The names a server's tools take in the project: `<server>_<tool>`, characters outside
 * `[A-Za-z0-9_-]` turned into `_`, shortened to 64 characters with a hash of the full name, and
 * an admin's rename applied. Collisions (with a name already taken in the project, or between
 * two tools of the server) are resolved deterministically: tools in upstream-name order, the
 * later one gets `_2`, `_3`, … and the reason is reported.
 */
export function namespaceTools(server: string, upstreamNames: readonly string[], settings: Record<string, McpToolSetting>, taken: ReadonlySet<string>): NamespacedTool[] {
  const used = new Set(taken);
  const out: NamespacedTool[] = [];
  for (const upstreamName of [...upstreamNames].sort()) {
    const wanted = settings[upstreamName]?.name ?? fit(`${server}_${upstreamName.replace(/[^A-Za-z0-9_-]/g, "_")}`, upstreamName);
    let name = wanted;
    for (let n = 2; used.has(name); n++) name = fit(`${wanted}_${n}`, `${upstreamName}#${n}`);
    used.add(name);
    const reasons: string[] = [];
    if (name !== wanted) reasons.push(`${wanted} is already taken in the project`);
    else if (!settings[upstreamName]?.name && name !== `${server}_${upstreamName}`) reasons.push(`${server}_${upstreamName} is not a valid tool name of at most ${MAX_TOOL_NAME} characters`);
    out.push({ name, upstreamName, ...(reasons.length ? { renamed: reasons.join("; ") } : {}) });
  }
  return out;
}

/** At most 64 characters: a longer name keeps its start and ends with a hash of the whole. */
function fit(name: string, seed: string): string {
  if (name.length <= MAX_TOOL_NAME) return name;
  const hash = createHash("sha256").update(seed).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX_TOOL_NAME - 9)}_${hash}`;
}
