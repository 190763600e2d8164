import type { PreparedTool } from "../runtime/prepared-tool.ts";

/**
 * A tool's family: the first of its OpenAPI tags (`issues`, `Droplets`), as written in the
 * document. Tools without tags have none.
 */
export function familyOf(tool: Pick<PreparedTool, "tags">): string | undefined {
  return tool.tags[0];
}

/** The family as a tool-name-safe word: `Droplet Actions` → `droplet_actions`. */
export function familySlug(family: string): string {
  return (
    family
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "") || "family"
  );
}

/** Whether `filter` (a family as written, or its slug, any case) names the tool's family. */
export function inFamily(tool: Pick<PreparedTool, "tags">, filter: string): boolean {
  const family = familyOf(tool);
  if (!family) return false;
  const wanted = filter.trim().toLowerCase();
  return family.toLowerCase() === wanted || familySlug(family) === familySlug(wanted);
}
