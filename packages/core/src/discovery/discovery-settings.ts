import { z } from "zod";

/** How tools/list presents a project's tools (DB enum `ToolDiscovery`). */
export const TOOL_DISCOVERY_MODES = ["list", "search", "auto", "families"] as const;
export type ToolDiscoveryMode = (typeof TOOL_DISCOVERY_MODES)[number];
export const DEFAULT_DISCOVERY_THRESHOLD = 60;

export type ToolDiscoverySettings = {
  mode: ToolDiscoveryMode;
  /** `auto` switches to search when a caller would see more tools than this */
  threshold: number;
  /** tool names listed in every mode */
  pinned: string[];
};

/** The settings as an admin sends them (dashboard, CLI); every field optional. */
export const toolDiscoveryInput = z
  .object({
    toolDiscovery: z.enum(TOOL_DISCOVERY_MODES, { message: `tool discovery must be one of ${TOOL_DISCOVERY_MODES.join(", ")}` }).optional(),
    toolDiscoveryThreshold: z.number().int("the threshold is a whole number of tools").min(1, "the threshold is at least 1 tool").max(100_000, "the threshold is at most 100000 tools").optional(),
    pinnedTools: z
      .array(z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, "pinned tools are tool names (letters, digits, _ . -)"))
      .max(50, "pin at most 50 tools")
      .transform((names) => [...new Set(names)])
      .optional(),
  })
  .strict();

/** The settings of a project row (columns may be absent on a project read without them). */
export function toolDiscoveryOf(row: { toolDiscovery?: string; toolDiscoveryThreshold?: number; pinnedTools?: string[] } | null | undefined): ToolDiscoverySettings {
  const mode = (TOOL_DISCOVERY_MODES as readonly string[]).includes(row?.toolDiscovery ?? "") ? (row!.toolDiscovery as ToolDiscoveryMode) : "list";
  return { mode, threshold: row?.toolDiscoveryThreshold ?? DEFAULT_DISCOVERY_THRESHOLD, pinned: row?.pinnedTools ?? [] };
}
