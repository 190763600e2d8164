/**
 * Lifetimes and windows of the OAuth authorization server (DESIGN §11, docs/oauth.md). Every
 * function that uses one takes a clock (`now`) so tests move time instead of sleeping.
 */

/** A validated /oauth/authorize request waits this long for the user's decision. */
export const AUTHORIZATION_REQUEST_TTL_SECONDS = 10 * 60;

/** Authorization codes: single use, redeemed by the client right after the redirect (RFC 6749 §4.1.2: ≤ 10 min). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 5 * 60;

/** Access tokens (ES256 JWTs, `typ: at+jwt`). Every call re-checks the connection and policy anyway. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** Refresh tokens: each use rotates it; an unused one lapses after this long. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * Reuse of a rotated refresh token within this many seconds of its rotation is treated as a
 * concurrent refresh race (two tabs, a retry after a lost response): `invalid_grant`, but the
 * active chain is kept. Later reuse means the token leaked: the whole connection is revoked
 * (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2).
 */
export const REFRESH_REUSE_GRACE_SECONDS = 10;

/** JWT `typ` header of access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = "at+jwt";
