import { z } from "zod";
import { approvalRequired } from "../approvals/approval-policy.ts";
import type { ListedTool } from "../runtime/prepared-tool.ts";
import type { ProjectRuntime } from "../runtime/project-runtime-cache.ts";
import { DESCRIBE_MAX_NAMES } from "./discovery-tools.ts";
import { familyOf } from "./tool-family.ts";
import { canSee } from "./visible-tools.ts";

export const describeToolsInput = z
  .object({
    names: z
      .array(z.string({ message: "names must be tool names" }).min(1, "a name must not be empty").max(64, "a tool name is at most 64 characters"), { message: "names must be a list of tool names" })
      .min(1, "give at least one name")
      .max(DESCRIBE_MAX_NAMES, `at most ${DESCRIBE_MAX_NAMES} names at a time`),
  })
  .strict();

export type ToolDescription = ListedTool & { family?: string; requiredScopes: string[]; readOnly: boolean; requiresApproval: boolean };

/**
 * The full definitions of the named tools the caller may call. A name that is not a tool of
 * the project and a tool the caller may not call are both reported as not found, so the
 * answer tells nothing about tools out of reach.
 */
export function describeTools(runtime: ProjectRuntime, scopes: readonly string[] | null, names: readonly string[], toolsets: readonly string[] = []): { tools: ToolDescription[]; notFound: string[] } {
  const tools: ToolDescription[] = [];
  const notFound: string[] = [];
  for (const name of new Set(names)) {
    const tool = runtime.tools.get(name);
    if (!tool || !canSee(tool, scopes, toolsets)) {
      notFound.push(name);
      continue;
    }
    const family = familyOf(tool);
    tools.push({ ...tool.listed, ...(family ? { family } : {}), requiredScopes: tool.requiredScopes, readOnly: tool.readOnly, requiresApproval: approvalRequired(tool, runtime.approvalPolicy) });
  }
  return { tools, notFound };
}
