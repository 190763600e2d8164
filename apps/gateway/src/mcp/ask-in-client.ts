import { declineApprovalInClient, readRecordedRequest, type ToolCallDeps, type ToolCallRequest } from "@tengine/core";
import type { CallContext } from "./call-context.ts";

export type PendingApproval = Parameters<NonNullable<ToolCallRequest["onApprovalPending"]>>[0];

/** How long an unanswered question stays open (the client may show it after the call returned). */
const QUESTION_TIMEOUT_MS = 10 * 60_000;

/**
 * While a call waits for an approver, asks the user in their MCP client too (elicitation):
 * "decline" denies the run at once (nothing is ever sent); "accept" leaves the decision to the
 * approver — the user's yes is not an approval, a person in the dashboard still decides.
 */
export function askInClient(deps: ToolCallDeps, ctx: CallContext, pending: PendingApproval) {
  // The request as its kind described it: an HTTP request names its method and URL.
  const request = readRecordedRequest(pending.request);
  const action = request ? `send ${request.method} ${request.url}` : "run";
  const message =
    `Tool ${pending.toolTitle ?? pending.toolName} wants to ${action} with ${JSON.stringify(pending.args)}. ` +
    `It waits for approval in the Tengine dashboard (run ${pending.runId}). Decline to cancel it now; accept to leave it to the approver.`;
  void ctx.elicit!({ message, requestedSchema: { type: "object", properties: {} } }, QUESTION_TIMEOUT_MS)
    .then(async (answer) => {
      if (answer?.action !== "decline") return;
      await declineApprovalInClient(deps.db, { projectId: ctx.project.id, runId: pending.runId, principal: ctx.principal, ...(deps.pubsub ? { pubsub: deps.pubsub } : {}) });
    })
    .catch(() => {
      // Best effort: the approver still decides, and the approval expires on its own.
    });
}
