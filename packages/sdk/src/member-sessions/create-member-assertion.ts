import { randomUUID } from "node:crypto";
import { type CryptoKey, importJWK, type JWK, type KeyObject, SignJWT } from "jose";

/**
 * The key your backend signs member assertions with — the one configured in the project's
 * settings:
 * - `{ secret }`: the project's member-assertion secret (HS256), exactly as the dashboard showed
 *   it (its UTF-8 bytes are the HMAC key, as with any JWT library given a string secret);
 * - `{ privateKey, alg }`: your private key (a private JWK, a WebCrypto `CryptoKey` or a Node
 *   `KeyObject`) whose public JWK you registered: ES256 (EC P-256) or EdDSA (Ed25519).
 */
export type MemberAssertionKey =
  | { secret: string }
  | { privateKey: JWK | CryptoKey | KeyObject; alg: "ES256" | "EdDSA"; kid?: string };

export type MemberAssertionOptions = {
  /** the member's id in your system (required, ≤ 256 printable ASCII characters) */
  sub: string;
  email?: string;
  name?: string;
  roles?: string[];
  /** narrows the session below the API key's scopes (it can never widen them) */
  scopes?: string[] | string;
  /**
   * the MCP servers (toolsets) the session asks for, among the API key's toolsets: servers an
   * admin activated "on request" are listed only for sessions naming them
   */
  toolsets?: string[] | string;
  /** the gateway URL (PUBLIC_GATEWAY_URL), e.g. `https://mcp.example.com`: the assertion's `aud` */
  audience: string;
  /** seconds until the assertion expires: default 60, at most 300 */
  ttlSeconds?: number;
  /** clock in milliseconds, for tests */
  now?: () => number;
};

/** Longest accepted assertion lifetime: the gateway refuses `exp` more than 5 minutes ahead. */
export const MAX_ASSERTION_TTL_SECONDS = 300;

/**
 * Signs a member assertion: a short-lived JWT saying "this request is for member `sub`", with
 * a random single-use `jti`. Exchange it for a member session token with
 * {@link mintMemberSession} right away — each assertion can be exchanged once.
 *
 * ```ts
 * const assertion = await createMemberAssertion({ secret: process.env.TENGINE_MEMBER_SECRET! }, {
 *   sub: user.id, email: user.email, audience: "https://mcp.example.com",
 * });
 * ```
 */
export async function createMemberAssertion(key: MemberAssertionKey, options: MemberAssertionOptions): Promise<string> {
  if (typeof options.sub !== "string" || !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(options.sub) || options.sub.length > 256) {
    throw new TypeError("sub must be the member's id: 1 to 256 printable ASCII characters");
  }
  const ttl = options.ttlSeconds ?? 60;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_ASSERTION_TTL_SECONDS) throw new RangeError(`ttlSeconds must be an integer from 1 to ${MAX_ASSERTION_TTL_SECONDS}`);
  let audience: string;
  try {
    audience = new URL(options.audience).href.replace(/\/+$/, "");
  } catch {
    throw new TypeError("audience must be the gateway URL, e.g. https://mcp.example.com");
  }

  const claims: Record<string, unknown> = {};
  if (options.email !== undefined) claims.email = options.email;
  if (options.name !== undefined) claims.name = options.name;
  if (options.roles !== undefined) claims.roles = options.roles;
  if (options.scopes !== undefined) claims.scopes = options.scopes;
  if (options.toolsets !== undefined) claims.toolsets = options.toolsets;
  const now = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const jwt = new SignJWT(claims).setSubject(options.sub).setAudience(audience).setIssuedAt(now).setExpirationTime(now + ttl).setJti(randomUUID());

  if ("secret" in key) {
    if (typeof key.secret !== "string" || key.secret.length < 32) throw new TypeError("secret must be the project's member-assertion secret (43 characters)");
    return jwt.setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(key.secret));
  }
  if (key.alg !== "ES256" && key.alg !== "EdDSA") throw new TypeError('alg must be "ES256" or "EdDSA"');
  let signingKey: CryptoKey | KeyObject | Uint8Array;
  if (isJwk(key.privateKey)) {
    if (typeof key.privateKey.d !== "string") throw new TypeError("privateKey is a public JWK: sign with the PRIVATE key (it has \"d\") and register its public half in the project settings");
    signingKey = await importJWK(key.privateKey, key.alg);
  } else {
    signingKey = key.privateKey;
  }
  const kid = key.kid ?? (isJwk(key.privateKey) ? key.privateKey.kid : undefined);
  return jwt.setProtectedHeader({ alg: key.alg, typ: "JWT", ...(kid ? { kid } : {}) }).sign(signingKey);
}

function isJwk(value: unknown): value is JWK {
  return typeof value === "object" && value !== null && typeof (value as { kty?: unknown }).kty === "string";
}
