import type { AppError, AppErrorReason } from "@tengine/core";
import type { ConsentFormError } from "@/components/oauth/consent-url.ts";

const BY_REASON: Partial<Record<AppErrorReason, ConsentFormError>> = {
  mcp_disabled: "mcp_disabled",
  redirect_uri_not_allowed: "redirect_uri",
  client_not_allowed: "client_id",
  scopes_not_allowed: "policy_scopes",
  no_scope_approved: "no_scope",
  scopes_above_role: "role_scopes",
};

/**
 * The closed error code the consent page shows for a decision core refused: by the error's
 * reason code, then its code. Never by message text, which is prose and may change.
 */
export function consentFormError(error: AppError): ConsentFormError {
  const byReason = error.reason && BY_REASON[error.reason];
  if (byReason) return byReason;
  if (error.code === "forbidden") return "forbidden";
  if (error.code === "bad_request") return "scopes";
  return "failed";
}
