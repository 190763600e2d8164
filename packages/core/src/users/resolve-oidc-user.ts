import type { Db } from "@tengine/db";
import { isUniqueViolation } from "@tengine/db";
import { newId } from "../ids/new-id.ts";

/** What the identity provider said about the person (ID token / userinfo claims). */
export type OidcClaims = { email?: unknown; email_verified?: unknown; name?: unknown };

export type OidcSignInResult =
  | { ok: true; user: { id: string; email: string }; created: boolean }
  | { ok: false; reason: "email_missing" | "email_not_verified"; message: string };

/** Shown on the sign-in page; says what the person can do about it. */
export const OIDC_REFUSALS = {
  email_missing: "Your identity provider did not share an email address, so there is no account to sign you in to. Ask your administrator to release the email claim.",
  email_not_verified: "Your identity provider has not verified this email address, so it cannot be used to sign in. Verify the address with your provider, or sign in with your password.",
} as const;

/**
 * The one rule for OpenID Connect sign-in: the provider's email picks the account, and only
 * when the provider vouches for it (`email_verified: true`, OpenID Connect Core 1.0 §5.1).
 * Anyone can register an unverified address at some providers; linking on it would hand them
 * the account that owns that address. The same holds for a new account: an unverified address
 * is refused rather than creating an account that a later owner of the address would inherit.
 * Nothing is written for a refusal.
 */
export async function resolveOidcUser(db: Db, claims: OidcClaims): Promise<OidcSignInResult> {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email) return { ok: false, reason: "email_missing", message: OIDC_REFUSALS.email_missing };
  // Only the boolean true counts: "true" as a string or a missing claim is not a verification.
  if (claims.email_verified !== true) return { ok: false, reason: "email_not_verified", message: OIDC_REFUSALS.email_not_verified };
  const existing = await db.user.findUnique({ where: { email }, select: { id: true, email: true } });
  if (existing) return { ok: true, user: existing, created: false };
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 100) : null;
  try {
    const user = await db.user.create({ data: { id: newId("user"), email, name }, select: { id: true, email: true } });
    return { ok: true, user, created: true };
  } catch (error) {
    // Two first sign-ins at once: the other one created the account.
    if (!isUniqueViolation(error)) throw error;
    return { ok: true, user: await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true } }), created: false };
  }
}
