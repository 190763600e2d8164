import { z } from "zod";
import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import { SEARCH_LIMIT } from "./discovery-tools.ts";
import { searchIndexFor } from "./search-index-cache.ts";
import { familyOf, inFamily } from "./tool-family.ts";
import { canSee } from "./visible-tools.ts";

export const searchToolsInput = z
  .object({
    query: z.string({ message: "query must be a string" }).trim().min(1, "query must not be empty").max(500, "query is at most 500 characters"),
    family: z.string({ message: "family must be a string" }).trim().max(200, "family is at most 200 characters").optional(),
    limit: z.number({ message: "limit must be a number" }).int("limit must be a whole number").min(1, "limit is at least 1").max(SEARCH_LIMIT.max, `limit is at most ${SEARCH_LIMIT.max}`).default(SEARCH_LIMIT.default),
  })
  .strict();

export type ToolMatch = {
  name: string;
  title?: string;
  /** the description's first line, at most 200 characters */
  description: string;
  family?: string;
  requiredScopes: string[];
  readOnly: boolean;
  score: number;
};

/**
 * Ranks the tools the caller may call (scopes checked first, then the `family` filter) for a
 * plain-words query with the project's in-memory index.
 */
export function searchTools(projectId: string, runtime: ProjectRuntime, scopes: readonly string[] | null, input: z.output<typeof searchToolsInput>, toolsets: readonly string[] = []): ToolMatch[] {
  const index = searchIndexFor(projectId, runtime);
  const family = input.family || undefined;
  const allowed = (tool: PreparedTool) => canSee(tool, scopes, toolsets) && (!family || inFamily(tool, family));
  return index.search(input.query, allowed, input.limit).map(({ tool, score }) => toolMatch(tool, score));
}

function toolMatch(tool: PreparedTool, score: number): ToolMatch {
  const family = familyOf(tool);
  return {
    name: tool.name,
    ...(tool.listed.title ? { title: tool.listed.title } : {}),
    description: oneLine(tool.listed.description),
    ...(family ? { family } : {}),
    requiredScopes: tool.requiredScopes,
    readOnly: tool.readOnly,
    score,
  };
}

/** The first non-empty line, cut at 200 characters on a word. */
export function oneLine(text: string): string {
  const line = text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
  if (line.length <= 200) return line;
  return `${line.slice(0, 199).replace(/\s+\S*$/, "")}…`;
}
