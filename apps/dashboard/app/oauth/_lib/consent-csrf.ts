import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { authOptions } from "@/server/auth.ts";

/**
 * The consent form's CSRF token: HMAC-SHA256 over the user id and the authorization request
 * id, keyed by a key derived from the server's session secret. It is bound to both, so a
 * token seen for one request (or one user) is useless for any other, and nothing is stored.
 */
export function consentCsrfToken(userId: string, requestId: string): string {
  return createHmac("sha256", csrfKey()).update(`${userId}\n${requestId}`).digest("base64url");
}

/** Constant-time comparison of a submitted token with the expected one. */
export function verifyConsentCsrfToken(userId: string, requestId: string, token: string): boolean {
  const expected = Buffer.from(consentCsrfToken(userId, requestId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let key: Buffer | undefined;

function csrfKey(): Buffer {
  if (key) return key;
  const secret = authOptions().secret;
  if (!secret) throw new Error("the dashboard has no session secret (NEXTAUTH_SECRET)");
  // A derived key: the session-cookie secret itself never signs anything else.
  key = createHmac("sha256", secret).update("tengine:oauth-consent-csrf:v1").digest();
  return key;
}
