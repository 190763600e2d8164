import type { RunStatus } from "@tengine/db";
import type { Principal } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import type { RunRecord } from "../runs/record-run.ts";
import type { PreparedTool } from "../runtime/prepared-tool.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import type { CallFailureCode, StepResult } from "./call-failure.ts";
import type { ToolResult } from "./tool-result.ts";

/** Who calls, for which run: what every kind renders its request from. */
export type CallIdentity = {
  principal: Principal;
  project: ProjectConfig;
  args: unknown;
  runId: string;
  /** the Idempotency-Key sent upstream on every attempt (the claim's, or the run id) */
  upstreamKey: string;
};

/** The project's secrets and signing key as the runtime cache holds them. */
export type ToolRuntime = { signingKey: { keyid: string; secret: string } | null; secrets: Record<string, string> };

/** How a sent call ended: the run's fields, the caller's result, and how its idempotency key settles. */
export type Execution = {
  status: RunStatus;
  result: ToolResult;
  /** how the idempotency key ends: replayable result, unknown outcome, or nothing sent */
  settle: "completed" | "retryable" | "released";
  run: Partial<RunRecord>;
  /** set when the call failed in an expected way (refused, unreachable, error answer) */
  failure?: CallFailureCode;
  /**
   * What a replay of this call (a retry with its idempotency key, or the approved caller reading
   * it back) answers, when it must differ from `result`: a secret shown once is not stored.
   */
  replay?: ToolResult;
};

/**
 * The last steps of the call pipeline for one kind of tool: render → sign → send → map. Every
 * step before them (resolve, scopes, validate, limits, idempotency, approval) and the record
 * step after are shared by every kind; a new kind (a federated MCP server whose "send" is an
 * MCP call) implements this interface and nothing else.
 *
 * - `render` builds what would be sent, with the caller's identity and the tool's credential,
 *   or a typed failure; it sends nothing, so approval previews use it too.
 * - `describe` is what the run records and an approver reads: secrets redacted.
 * - `send` signs (per attempt, where the kind signs) and sends with the kind's retries.
 * - `map` turns the answer, or the send failure, into the tool result and the run's fields.
 */
export type ToolKind<Rendered, Sent, Tool = PreparedTool> = {
  render(tool: Tool, runtime: ToolRuntime, call: CallIdentity): StepResult<Rendered>;
  describe(rendered: Rendered): unknown;
  send(deps: KindDeps, tool: Tool, project: ProjectConfig, rendered: Rendered): Promise<Sent>;
  map(tool: Tool, rendered: Rendered, sent: Sent, recordedRequest: unknown): Execution;
};

/** What a kind's send may use: the outbound pool (HTTP), the MCP connection pool (federated), the database and runtime (in-process kinds). */
export type KindDeps = Pick<ToolCallDeps, "outbound" | "db" | "runtime" | "pubsub" | "mcp">;
