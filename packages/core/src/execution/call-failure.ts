import type { RunStatus } from "@tengine/db";
import type { PrincipalDenialCode } from "./authorize-principal.ts";

/**
 * Every expected way a tool call ends without the tool's own answer: a closed set. Callers
 * (the MCP handler's metrics, the dashboard's "Try it", the approved-run worker) branch on the
 * code; the message is prose for the model and the run history and is never parsed.
 */
export const CALL_FAILURES = [
  /** no tool of that name in the project (answered as a protocol error, still recorded) */
  "unknown_tool",
  /** the principal lacks a scope the tool requires */
  "insufficient_scope",
  /** the principal's credential or the project's settings refuse the call (see `denial`) */
  "principal_denied",
  /** the arguments do not match the tool's input schema */
  "invalid_arguments",
  /** a rate limit refused the call, or the limiter was down and the project fails closed */
  "rate_limited",
  /** the idempotency key given is not a usable key */
  "invalid_idempotency_key",
  /** the idempotency key was already used with other arguments */
  "idempotency_key_reused",
  /** a call holding the same idempotency key is still in flight */
  "idempotency_key_busy",
  /** the request template could not be rendered with these arguments */
  "render_failed",
  /** the tool's stored upstream credential cannot be decrypted */
  "credential_unreadable",
  /** the tool signs its requests but the project has no active signing secret */
  "signing_key_missing",
  /** the outbound guard refused to send (blocked host, invalid URL): nothing went out */
  "send_refused",
  /** network error or timeout after every attempt: the upstream may have acted */
  "upstream_unreachable",
  /** the upstream answered with an error status */
  "upstream_error",
  /** the upstream's answer does not match the tool's declared outputSchema */
  "invalid_output",
  /** an approved call's tool was disabled, deleted or edited after the approval */
  "tool_changed",
  /** an approved call's stored principal does not parse */
  "principal_unreadable",
  /** a platform action's own rules refused it (not found, invalid data, role): nothing changed */
  "action_refused",
] as const;
export type CallFailureCode = (typeof CALL_FAILURES)[number];

/** A step's expected failure: what the run ends as, and what the caller is told. */
export type CallFailure = {
  code: CallFailureCode;
  message: string;
  /** the status the run is recorded with */
  status: Extract<RunStatus, "failed" | "denied" | "rate_limited">;
  /** for `principal_denied` and `insufficient_scope`: which rule refused */
  denial?: PrincipalDenialCode;
  /** for `invalid_arguments`: each schema problem, for callers that word the failure themselves */
  problems?: string[];
  /** for `rate_limited`: when a retry may pass */
  retryAfterMs?: number;
  /** for `idempotency_key_busy`: the run holding the key */
  originalRunId?: string;
};

/** What every step of the call pipeline returns: its value, or a typed failure. */
export type StepResult<T> = { ok: true; value: T } | { ok: false; failure: CallFailure };

export function failed(code: CallFailureCode, message: string, status: CallFailure["status"] = "failed", extra?: Omit<CallFailure, "code" | "message" | "status">): { ok: false; failure: CallFailure } {
  return { ok: false, failure: { code, message, status, ...extra } };
}

/**
 * A broken invariant during a call (database down mid-call, a bug): the request may or may
 * not have gone out. The message names the run and carries no internals; `cause` has them.
 */
export class ToolCallInternalError extends Error {
  readonly runId: string;
  constructor(toolName: string, runId: string, cause: unknown) {
    super(`Internal error while calling tool ${toolName} (run ${runId}); it is safe to retry`, { cause });
    this.name = "ToolCallInternalError";
    this.runId = runId;
  }
}
