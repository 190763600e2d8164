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

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;

  constructor(code: AppErrorCode, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = APP_ERROR_STATUS[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
