import { PlatformTool } from "../platform/platform-tool.ts";
import { PreparedTool } from "../runtime/prepared-tool.ts";
import { platformToolKind } from "../platform/platform-tool-kind.ts";
import type { StepResult } from "./call-failure.ts";
import type { CallableTool } from "./callable-tool.ts";
import { checkStructuredOutput } from "./check-structured-output.ts";
import { httpToolKind } from "./http-tool-kind.ts";
import { mcpToolKind } from "./mcp-tool-kind.ts";
import type { CallIdentity, Execution, KindDeps, ToolKind, ToolRuntime } from "./tool-kind.ts";
import { toolError } from "./tool-result.ts";

/**
 * The kind that sends this tool: a platform tool runs its action in-process, a tool of an
 * external MCP server is sent as an MCP tools/call, every other as an HTTP request. A new kind
 * adds its `ToolKind` and a branch here, and reuses every other step.
 */
function kindOf(tool: CallableTool): ToolKind<unknown, unknown, CallableTool> {
  if (tool instanceof PlatformTool) return platformToolKind as unknown as ToolKind<unknown, unknown, CallableTool>;
  if (tool instanceof PreparedTool && tool.federation) return mcpToolKind as unknown as ToolKind<unknown, unknown, CallableTool>;
  return httpToolKind as unknown as ToolKind<unknown, unknown, CallableTool>;
}

/**
 * The request a call would send, rendered and described as its run records it: what an
 * approver reads before deciding. Secrets never appear; nothing is sent.
 */
export function previewCall(tool: CallableTool, runtime: ToolRuntime, call: CallIdentity): StepResult<unknown> {
  const kind = kindOf(tool);
  const rendered = kind.render(tool, runtime, call);
  return rendered.ok ? { ok: true, value: kind.describe(rendered.value) } : rendered;
}

/**
 * The render → sign → send → map steps of a call, by the tool's kind. Shared by `callTool` and
 * the worker's execution of approved runs, so an approved call goes out exactly as a direct one
 * would. A render failure sends nothing and frees the idempotency key.
 */
export async function sendCall(deps: KindDeps, tool: CallableTool, runtime: ToolRuntime, call: CallIdentity): Promise<Execution> {
  const kind = kindOf(tool);
  const rendered = kind.render(tool, runtime, call);
  if (!rendered.ok) {
    const { code, message, status } = rendered.failure;
    return { status, result: toolError(message), settle: "released", run: { error: message }, failure: code };
  }
  const sent = await kind.send(deps, tool, call.project, rendered.value);
  return checkStructuredOutput(tool, kind.map(tool, rendered.value, sent, kind.describe(rendered.value)));
}
