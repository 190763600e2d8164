import type { Db, Run } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { ToolResult } from "../execution/tool-result.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import type { Principal } from "../principal/principal.ts";
import { findOwnRun } from "../runs/own-run.ts";
import { openApprovalState, type RequestStateRefusal, sealApprovalState } from "./approval-request-state.ts";
import { declineApprovalInClient } from "./decline-approval-in-client.ts";
import { isSettled, toolResultOfRun } from "./run-outcome.ts";
import { waitForRun } from "./wait-for-run.ts";

/**
 * Approvals over multi round-trip requests (MCP 2026-07-28). A modern client's call that needs
 * a person is answered at once with `input_required`: a URL elicitation that opens the
 * approval in the dashboard (when the client can open URLs) and a sealed `requestState`. The
 * client retries the same call with that state; the retry answers the run's result once it
 * has settled, a denial as the tool error it is, or `input_required` again while it waits.
 * Nothing is kept between the legs but the run itself, so any replica answers any retry.
 */
export type ApprovalRoundTripDeps = { db: Db; secretBox: SecretBox; pubsub?: PubSub; dashboardUrl?: string };

/** The key of the approval's URL elicitation in `inputRequests` (and of its answer in `inputResponses`). */
export const APPROVAL_INPUT_KEY = "tengine_approval";

/**
 * How long a retry waits for the decision before answering `input_required` again: long
 * enough that a client's bounded number of rounds (the SDK's default is 10) spans minutes.
 */
export const RETRY_WAIT_MS = 15_000;

/** How long a state stays valid once the approval was decided and the call runs. */
const RUNNING_STATE_MS = 10 * 60_000;

export type InputRequiredResult = {
  resultType: "input_required";
  requestState: string;
  inputRequests?: Record<string, { method: "elicitation/create"; params: { mode: "url"; message: string; url: string } }>;
  _meta: Record<string, unknown>;
};

export type WaitingCall = {
  project: { id: string; slug: string };
  principal: Principal;
  tool: string;
  args: unknown;
  runId: string;
  /** the approval's expiry (the state's), or undefined once decided */
  expiresAt: Date | undefined;
  /** the client declared URL-mode elicitation in this request's capabilities */
  canOpenUrls: boolean;
  /** an earlier leg already asked the user to open the page: state only from now on */
  alreadyAsked?: boolean;
};

/** The dashboard page where a person decides this run's approval. */
export function approvalPageUrl(dashboardUrl: string | undefined, slug: string, runId: string): string | undefined {
  return dashboardUrl ? `${dashboardUrl.replace(/\/+$/, "")}/projects/${slug}/approvals?run=${runId}#${runId}` : undefined;
}

export function approvalInputRequired(deps: Pick<ApprovalRoundTripDeps, "secretBox" | "dashboardUrl">, call: WaitingCall): InputRequiredResult {
  const expiresAt = call.expiresAt ?? new Date(Date.now() + RUNNING_STATE_MS);
  const url = approvalPageUrl(deps.dashboardUrl, call.project.slug, call.runId);
  // Asked once: the client prompts its user for every input request, so later legs carry the
  // state only. A decided approval whose call is still running needs nothing from the user.
  const ask = !call.alreadyAsked && call.expiresAt !== undefined && call.canOpenUrls && url !== undefined;
  const requestState = sealApprovalState(deps.secretBox, call.project.id, { runId: call.runId, tool: call.tool, args: call.args, principal: call.principal, expiresAt, asked: ask || !!call.alreadyAsked });
  const message = `Tool ${call.tool} waits for approval by a person in the Tengine dashboard (run ${call.runId}, open until ${expiresAt.toISOString()}). Declining cancels the call.`;
  return {
    resultType: "input_required",
    requestState,
    ...(ask ? { inputRequests: { [APPROVAL_INPUT_KEY]: { method: "elicitation/create" as const, params: { mode: "url" as const, message, url: url! } } } } : {}),
    _meta: { "tengine/runId": call.runId, "tengine/pendingApproval": call.expiresAt !== undefined },
  };
}

export type RetryOutcome =
  | { kind: "refused"; code: RequestStateRefusal | "unknown_run"; message: string }
  | { kind: "result"; runId: string; result: ToolResult }
  | { kind: "input_required"; runId: string; result: InputRequiredResult };

/**
 * A retry of `tools/call` carrying the `requestState` of an earlier `input_required`. The
 * user's answer to the URL elicitation may come with it: "decline" denies the run at once;
 * "accept" only means the page was opened (a person in the dashboard still decides).
 */
export async function resumeApprovalRoundTrip(
  deps: ApprovalRoundTripDeps,
  retry: Omit<WaitingCall, "runId" | "expiresAt"> & { requestState: string; inputResponses?: unknown; waitMs?: number },
): Promise<RetryOutcome> {
  const opened = openApprovalState(deps.secretBox, retry.project.id, retry.requestState, { tool: retry.tool, args: retry.args, principal: retry.principal });
  if (!opened.ok) return { kind: "refused", code: opened.code, message: opened.message };
  const runId = opened.state.runId;
  let run: Run | null = await findOwnRun(deps.db, retry.project.id, runId, retry.principal);
  if (!run) return { kind: "refused", code: "unknown_run", message: `requestState names run ${runId}, which no longer exists` };
  if (run.status === "pending" && declined(retry.inputResponses)) {
    await declineApprovalInClient(deps.db, { projectId: retry.project.id, runId, principal: retry.principal, ...(deps.pubsub ? { pubsub: deps.pubsub } : {}) });
  }
  if (!isSettled(run.status)) run = (await waitForRun(deps, retry.project.id, runId, { waitMs: retry.waitMs ?? RETRY_WAIT_MS })) ?? run;
  if (isSettled(run.status)) return { kind: "result", runId, result: await toolResultOfRun(deps.db, run) };
  const approval = run.status === "pending" ? await deps.db.approval.findFirst({ where: { runId, projectId: retry.project.id, status: "pending" }, select: { expiresAt: true } }) : null;
  return { kind: "input_required", runId, result: approvalInputRequired(deps, { ...retry, runId, expiresAt: approval?.expiresAt, alreadyAsked: opened.state.asked }) };
}

/** Whether an `inputResponses` map declines the approval's URL elicitation. */
export function declined(inputResponses: unknown): boolean {
  if (!inputResponses || typeof inputResponses !== "object") return false;
  const answer = (inputResponses as Record<string, unknown>)[APPROVAL_INPUT_KEY];
  return !!answer && typeof answer === "object" && (answer as { action?: unknown }).action === "decline";
}
