/**
 * The one error type of the domain boundary. Each code maps to one HTTP status; messages are
 * written for the user and never carry secrets or internals.
 */
export const APP_ERROR_STATUS = {
  /** Input failed validation; the message names the field. */
  bad_request: 400,
  /** No or invalid credential. */
  unauthorized: 401,
  /** Credential valid but lacks permission (scopes, roles). */
  forbidden: 403,
  /** Missing, or belongs to another tenant (never 403: that would leak existence). */
  not_found: 404,
  /** Conflicts with existing state (duplicate name, idempotency key reuse). */
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

/**
 * Why an expected failure happened, where a caller must tell failures of the same `code` apart
 * (the consent page names the policy that refused; the tool editor marks each field). A closed
 * set: callers branch on it, never on `message`, which is prose for people and may change.
 */
export const APP_ERROR_REASONS = [
  /** the project's MCP access is off */
  "mcp_disabled",
  /** the OAuth client is not on the project's allowlist */
  "client_not_allowed",
  /** the redirect URI is not allowed by the project's policy */
  "redirect_uri_not_allowed",
  /** the scopes asked for are above the project's OAuth scope ceiling */
  "scopes_not_allowed",
  /** a consent approved none of the scopes the request asked for */
  "no_scope_approved",
  /** platform scopes above what the granting user's role (or key) may hand out */
  "scopes_above_role",
  /** a tool definition failed its checks: `problems` names each field */
  "invalid_tool_definition",
] as const;
export type AppErrorReason = (typeof APP_ERROR_REASONS)[number];

/** One problem of an input, at a dotted path (`auth.token`, `headers.X-A`, `(root)`). */
export type FieldProblem = { path: string; message: string };

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly reason?: AppErrorReason;
  /** each problem by field, when the input had several (`invalid_tool_definition`) */
  readonly problems?: readonly FieldProblem[];

  constructor(code: AppErrorCode, message: string, detail?: { reason: AppErrorReason; problems?: readonly FieldProblem[] }) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = APP_ERROR_STATUS[code];
    if (detail) {
      this.reason = detail.reason;
      if (detail.problems) this.problems = detail.problems;
    }
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
