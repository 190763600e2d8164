import { OIDC_REFUSALS } from "@tengine/core";

/** `/login?error=oidc_<reason>`: a single sign-on refusal from core's rule (resolveOidcUser). */
export const OIDC_ERROR_PREFIX = "oidc_";

/**
 * What the sign-in page says for `?error=`: ours (OIDC refusals) word for word, next-auth's own
 * codes in plain words, anything else generically (the parameter is user-controlled: its text
 * is never shown).
 */
export function signInErrorMessage(code: string | undefined): string | undefined {
  if (!code) return undefined;
  if (code.startsWith(OIDC_ERROR_PREFIX)) {
    const reason = code.slice(OIDC_ERROR_PREFIX.length);
    if (reason in OIDC_REFUSALS) return OIDC_REFUSALS[reason as keyof typeof OIDC_REFUSALS];
  }
  if (code === "SessionRequired") return "Sign in to continue.";
  if (code === "OAuthCallback" || code === "OAuthSignin" || code === "Callback") return "Single sign-on did not complete. Try again.";
  return "Sign-in failed. Try again.";
}
