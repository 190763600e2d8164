/** The consent page of one authorization request, optionally showing a form error. */
export function consentPath(requestId: string, error?: ConsentFormError): string {
  const query = new URLSearchParams({ request: requestId });
  if (error) query.set("error", error);
  return `/oauth/consent?${query}`;
}

/** Where an unsigned visitor goes: the sign-in page, which returns to the consent page. */
export function loginPath(requestId: string): string {
  return `/login?${new URLSearchParams({ callbackUrl: consentPath(requestId) })}`;
}

/**
 * Why a submitted decision was not taken. A closed set: the consent page maps each to its
 * message, so nothing a third party puts in the URL is ever shown as text.
 */
export const CONSENT_FORM_ERRORS = {
  no_scope: "Select at least one permission to approve, or choose Deny.",
  csrf: "This form has expired or did not come from this page. Review the request and decide again.",
  origin: "The decision was not sent from this page, so it was ignored. Review the request and decide again.",
  scopes: "Those permissions were not part of the request. Review the request and decide again.",
  forbidden: "You are not a member of the organization that owns this project.",
  // The project's policy changed while the page was open (exact messages of DESIGN §11).
  mcp_disabled: "MCP is disabled for this project. Nothing was granted.",
  redirect_uri: "redirect_uri is not allowed: the project's policy no longer allows this application's address. Nothing was granted.",
  client_id: "OAuth client_id is not allowed: the project's policy no longer allows this application. Nothing was granted.",
  policy_scopes: "Requested scopes are not allowed: the project's policy no longer allows these permissions. Nothing was granted.",
  role_scopes: "Your role in this organization cannot grant some of the requested Tengine permissions (platform.…:write needs a role that may make that change in the dashboard). Approve fewer permissions, or ask an admin. Nothing was granted.",
  failed: "Something went wrong while saving your decision. Try again.",
} as const;

export type ConsentFormError = keyof typeof CONSENT_FORM_ERRORS;

export function isConsentFormError(value: unknown): value is ConsentFormError {
  return typeof value === "string" && Object.hasOwn(CONSENT_FORM_ERRORS, value);
}
