import type { ToolCallDeps } from "../execution/call-deps.ts";
import { canonicalJson } from "../idempotency/canonical-json.ts";
import type { CallIdentity, Execution, ToolKind } from "../execution/tool-kind.ts";
import { type ToolResult, toolError } from "../execution/tool-result.ts";
import type { Principal } from "../principal/principal.ts";
import type { PlatformAnswer } from "./platform-call.ts";
import { type PlatformArgs, type PlatformTool, redactSecrets } from "./platform-tool.ts";
import { type PlatformOutcome, runPlatformAction } from "./run-platform-action.ts";

/** A platform call ready to run: nothing is rendered beyond the validated arguments and who calls. */
export type RenderedPlatformCall = { tool: PlatformTool; args: PlatformArgs; principal: Principal; projectId: string; runId: string };

/**
 * The platform tools' render → send → map: "send" runs the action in-process with the same
 * core functions as the dashboard. Everything before (scopes, validation, limits, idempotency,
 * approval) and the run record after are the shared steps of the call pipeline.
 *
 * What is recorded has the HTTP kind's shape (method, url, body), so approval previews,
 * approved-run comparisons and the runs page read it the same way; secrets an action returns
 * once (a new key) are redacted from the run and from what a retry replays.
 */
export const platformToolKind: ToolKind<RenderedPlatformCall, PlatformOutcome, PlatformTool> = {
  render(tool, _runtime, call: CallIdentity) {
    return { ok: true, value: { tool, args: call.args as PlatformArgs, principal: call.principal, projectId: call.project.id, runId: call.runId } };
  },
  describe(rendered) {
    // Canonical JSON: an approved call's arguments come back from a JSON column in another key order.
    return { method: "CALL", url: `tengine:${rendered.tool.name}`, headers: {}, body: canonicalJson(redactSecrets(rendered.args)) };
  },
  async send(deps: Pick<ToolCallDeps, "db" | "runtime" | "pubsub" | "mcp">, _tool, _project, rendered) {
    return runPlatformAction({ db: deps.db, secretBox: deps.runtime.secrets, ...(deps.pubsub ? { pubsub: deps.pubsub } : {}), ...(deps.mcp ? { mcp: deps.mcp } : {}) }, { family: rendered.tool.family, args: rendered.args, principal: rendered.principal, projectId: rendered.projectId, runId: rendered.runId });
  },
  map(_tool, _rendered, outcome, recordedRequest): Execution {
    const request = recordedRequest;
    if (!outcome.ok) {
      // A rule refused the action and nothing changed: the key is released so a corrected retry runs.
      const response = { status: outcome.status, headers: { "content-type": "text/plain" }, body: outcome.message };
      return { status: "failed", result: toolError(outcome.message), settle: "released", failure: "action_refused", run: { request, response, httpStatus: outcome.status, attempts: 1, error: outcome.message } };
    }
    const result = answerResult(outcome.answer, false);
    const kept = outcome.answer.secret ? answerResult(outcome.answer, true) : result;
    const response = { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(kept.structuredContent) };
    return { status: "succeeded", result, ...(outcome.answer.secret ? { replay: kept } : {}), settle: "completed", run: { request, response, httpStatus: 200, attempts: 1 } };
  },
};

function answerResult(answer: PlatformAnswer, redact: boolean): ToolResult {
  const data = (redact ? redactSecrets(answer.data) : answer.data) as Record<string, unknown>;
  const json = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  const note = redact ? "\n(The secret was shown once, to the call that created it.)" : "";
  return { content: [{ type: "text", text: `${JSON.stringify(json, null, 2)}${note}` }], structuredContent: json };
}
