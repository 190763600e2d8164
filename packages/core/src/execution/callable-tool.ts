import type { PreparedTool } from "../runtime/prepared-tool.ts";

/**
 * What the shared steps of the call pipeline (scopes, validate, limits, idempotency, approval,
 * record) need of a tool, whatever its kind: an HTTP tool (`PreparedTool`) or a platform tool.
 */
export type CallableTool = Pick<PreparedTool, "id" | "name" | "requiredScopes" | "requiresApproval" | "readOnly" | "timeoutMs" | "maxAttempts" | "idempotencyWindowSec" | "listed" | "validate"> & {
  /**
   * The tool's scopes are granted by name only: an empty scope list (full project access)
   * does not stand for them (platform tools).
   */
  readonly explicitScopes?: boolean;
  /** The tool as a call with these arguments sees it (a platform tool: the action's scope and read-only flag). */
  forArgs?(args: unknown): CallableTool;
  /** The arguments as the run records them, when the tool redacts some. */
  recordedArguments?(args: unknown): unknown;
};

/** The tool as one call sees it: `forArgs` where the tool has it. Scopes and approval are decided on this view. */
export function toolForCall<T extends CallableTool>(tool: T, args: unknown): T {
  return (tool.forArgs ? tool.forArgs(args) : tool) as T;
}
