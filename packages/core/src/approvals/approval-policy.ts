import type { ApprovalPolicy } from "@tengine/db";
import type { PreparedTool } from "../runtime/prepared-tool.ts";

/** The project-level approval policies, in the order the dashboard offers them. */
export const APPROVAL_POLICIES = ["none", "destructive", "non_read_only"] as const satisfies readonly ApprovalPolicy[];

/**
 * Whether a call of `tool` waits for a person (DESIGN §7 step 6): tools marked
 * `requiresApproval` always; with policy `destructive` also tools annotated
 * `destructiveHint: true`; with `non_read_only` every tool not annotated `readOnlyHint: true`.
 */
export function approvalRequired(tool: Pick<PreparedTool, "requiresApproval" | "readOnly" | "listed">, policy: ApprovalPolicy): boolean {
  if (tool.requiresApproval) return true;
  if (policy === "non_read_only") return !tool.readOnly;
  if (policy === "destructive") return tool.listed.annotations?.destructiveHint === true;
  return false;
}
