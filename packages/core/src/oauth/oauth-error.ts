/**
 * OAuth protocol errors, shaped as RFC 6749 §5.2 / RFC 7591 §3.2.2 / RFC 7009 §2.2.1 want them:
 * `{ error, error_description }`, answered with `Cache-Control: no-store`. Descriptions are
 * written for the developer of the client and never carry secrets.
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "access_denied"
  /** RFC 8707 §2: the `resource` is not one this server issues tokens for */
  | "invalid_target"
  /** RFC 7591 §3.2.2 */
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "server_error"
  | "temporarily_unavailable";

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  /** 401 for client authentication failures (RFC 6749 §5.2), 400 otherwise unless given */
  readonly status: number;

  constructor(code: OAuthErrorCode, description: string, status?: number) {
    super(description);
    this.name = "OAuthError";
    this.code = code;
    this.status = status ?? (code === "invalid_client" ? 401 : code === "server_error" ? 500 : code === "temporarily_unavailable" ? 503 : 400);
  }

  toJSON() {
    return { error: this.code, error_description: this.message };
  }
}

export function isOAuthError(error: unknown): error is OAuthError {
  return error instanceof OAuthError;
}
