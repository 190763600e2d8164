import { decodeProtectedHeader, importJWK, type JWK, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Db, HotQueries } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { memberAssertionJwkSchema } from "../projects/set-member-assertion-key.ts";
import { SCOPE_PATTERN } from "../scopes/has-scopes.ts";
import { narrowScopes } from "../scopes/narrow-scopes.ts";
import { parseToolsets } from "../federation/toolsets.ts";
import { CLOCK_SKEW_SECONDS, MEMBER_ASSERTION_MAX_TTL_SECONDS } from "./member-session-token.ts";

/**
 * Why a member assertion was refused. Each reason comes with a message for the customer's
 * developer (answered as the 401 body of `POST /v1/member-sessions`).
 *
 * - `malformed`: not a compact JWT (three base64url parts, JSON header and claims)
 * - `alg_none`: an unsigned assertion (`alg: none`, RFC 7518 §3.6) — always refused
 * - `algorithm_not_allowed`: an algorithm other than the one the project's key pins: HS256 for
 *   a secret, ES256 for an EC P-256 JWK, EdDSA for an Ed25519 JWK (RFC 8725 §3.1: no HS/ES
 *   confusion)
 * - `no_key_configured`: the project has neither a member-assertion secret nor a public key
 * - `unknown_key`: the header names a `kid` that is not the project's registered key
 * - `bad_signature`: the signature does not verify with the project's secret or key
 * - `wrong_audience`: `aud` is missing or is not the gateway issuer
 * - `expired`: `exp` has passed (30 s skew tolerated)
 * - `not_yet_valid`: `nbf` is in the future
 * - `lifetime_too_long`: `exp` is more than 5 minutes (+30 s skew) ahead
 * - `issued_in_future`: `iat` is in the future
 * - `missing_claim`: no `sub`, `exp` or `jti`
 * - `invalid_claim`: a claim has the wrong type or format (the message names it)
 * - `jti_replayed`: this `jti` was already exchanged (single use across all replicas)
 */
export type MemberAssertionFailureReason =
  | "malformed"
  | "alg_none"
  | "algorithm_not_allowed"
  | "no_key_configured"
  | "unknown_key"
  | "bad_signature"
  | "wrong_audience"
  | "expired"
  | "not_yet_valid"
  | "lifetime_too_long"
  | "issued_in_future"
  | "missing_claim"
  | "invalid_claim"
  | "jti_replayed";

export type MemberAssertionFailure = { ok: false; reason: MemberAssertionFailureReason; message: string };

/** A verified, consumed assertion: who the member is and the scopes their session gets. */
export type VerifiedMemberAssertion = {
  memberId: string;
  email?: string;
  name?: string;
  roles?: string[];
  /** the assertion's `scopes` narrowed by the minting key's; null = full project access */
  scopes: string[] | null;
  /** whether the assertion asked for scopes (the session token then carries a `scope` claim) */
  narrowed: boolean;
  /** the toolsets (MCP server names) the assertion asked for; absent = the minting key's */
  toolsets?: string[];
  jti: string;
  /** the project's member-assertion key id when it verified; session tokens carry it */
  memberAssertionKeyId: string;
};

export type VerifyMemberAssertionDeps = {
  db: Db;
  hot: HotQueries;
  secretBox: SecretBox;
  /** clock in milliseconds, for tests */
  now?: () => number;
};

export type VerifyMemberAssertionInput = {
  projectId: string;
  /** the gateway issuer (PUBLIC_GATEWAY_URL): the only accepted `aud` */
  issuer: string;
  assertion: string;
  /** the minting API key's scopes (null = full access): assertion scopes only narrow these */
  keyScopes: string[] | null;
};

// Identity values travel in upstream headers (X-Tengine-Member-Id/Email): printable ASCII only,
// so no header can be split or refused by the HTTP client.
const headerSafe = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const noControl = /^[^\x00-\x1f\x7f]*$/;

const claimsSchema = z.object({
  sub: z.string({ error: '"sub" (the member id) must be a string' }).min(1, '"sub" must not be empty').max(256, '"sub" must be at most 256 characters').regex(headerSafe, '"sub" must be printable ASCII without surrounding spaces'),
  exp: z.number({ error: '"exp" must be a number (seconds since the epoch)' }),
  iat: z.number({ error: '"iat" must be a number (seconds since the epoch)' }).optional(),
  jti: z.string({ error: '"jti" must be a string' }).min(1, '"jti" must not be empty').max(256, '"jti" must be at most 256 characters'),
  email: z
    .string({ error: '"email" must be a string' })
    .max(320, '"email" must be at most 320 characters')
    .regex(/^[\x21-\x3f\x41-\x7e]+@[\x21-\x3f\x41-\x7e]+$/, '"email" must be an ASCII e-mail address')
    .nullish(),
  name: z.string({ error: '"name" must be a string' }).max(256, '"name" must be at most 256 characters').regex(noControl, '"name" must not contain control characters').nullish(),
  roles: z.array(z.string().min(1).max(128).regex(noControl), { error: '"roles" must be an array of strings' }).max(50, '"roles" may list at most 50 roles').nullish(),
  scopes: z.union([z.array(z.string().max(200)).max(200), z.string().max(8000)], { error: '"scopes" must be an array of strings or a space-separated string' }).nullish(),
  toolsets: z.union([z.array(z.string().max(200)).max(200), z.string().max(8000)], { error: '"toolsets" must be an array of MCP server names or a space-separated string' }).nullish(),
});

/**
 * Verifies a member assertion for a project (DESIGN §11) and consumes its `jti`.
 *
 * The algorithm is pinned by the project's configured key, never taken from the token: HS256
 * with the member-assertion secret (its UTF-8 bytes are the HMAC key), or ES256 / EdDSA with the
 * registered public JWK. `aud` must be the gateway issuer; `exp` is required and at most
 * 5 minutes ahead; `iat`, when present, is not in the future; `jti` is single use, claimed
 * last (after every other check) with one insert on (project, jti) so a replay to another
 * replica fails too.
 */
export async function verifyMemberAssertion(deps: VerifyMemberAssertionDeps, input: VerifyMemberAssertionInput): Promise<{ ok: true; assertion: VerifiedMemberAssertion } | MemberAssertionFailure> {
  const now = deps.now?.() ?? Date.now();
  const nowSec = Math.floor(now / 1000);
  const token = input.assertion.trim();

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    if (token.split(".").length !== 3) throw new Error("not a compact JWS");
    header = decodeProtectedHeader(token);
  } catch {
    return fail("malformed", "member assertion is not a JWT (expected header.payload.signature in base64url)");
  }
  if (typeof header.alg !== "string") return fail("malformed", 'member assertion header has no "alg"');
  if (header.alg.toLowerCase() === "none") return fail("alg_none", "unsigned member assertions (alg: none) are refused: sign it with the project's member-assertion secret (HS256) or your private key (ES256 / EdDSA)");

  const project = await deps.db.project.findFirst({
    where: { id: input.projectId },
    select: { memberAssertionSecretEnc: true, memberAssertionJwk: true, memberAssertionKeyId: true },
  });
  const key = project ? loadKey(deps.secretBox, input.projectId, project) : undefined;
  if (!project || !key || !project.memberAssertionKeyId) {
    return fail("no_key_configured", "no member-assertion key is configured for this project: generate a secret or register a public key in the project settings");
  }
  if (!key.algorithms.includes(header.alg)) {
    return fail("algorithm_not_allowed", `algorithm not allowed: ${header.alg} (this project verifies member assertions with ${key.algorithms[0]} and ${key.kind === "secret" ? "its shared secret" : "your registered public key"})`);
  }
  if (key.kind === "jwk" && key.kid !== undefined && header.kid !== undefined && header.kid !== key.kid) {
    return fail("unknown_key", `unknown key: kid "${String(header.kid).slice(0, 100)}" is not the project's registered member-assertion key (kid "${key.kid}")`);
  }

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.getKey, {
      algorithms: key.algorithms,
      audience: input.issuer,
      requiredClaims: ["sub", "exp", "jti"],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(now),
    }));
  } catch (error) {
    return mapJoseError(error, input.issuer, key.kind);
  }

  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return fail("invalid_claim", `invalid member assertion: ${parsed.error.issues[0]!.message}`);
  const claims = parsed.data;
  if (claims.exp > nowSec + MEMBER_ASSERTION_MAX_TTL_SECONDS + CLOCK_SKEW_SECONDS) {
    return fail("lifetime_too_long", `member assertion lives too long: "exp" may be at most ${MEMBER_ASSERTION_MAX_TTL_SECONDS} seconds ahead (it is ${claims.exp - nowSec} s)`);
  }
  if (claims.iat !== undefined && claims.iat > nowSec + CLOCK_SKEW_SECONDS) {
    return fail("issued_in_future", 'member assertion "iat" is in the future: check the clock of the server that signs it');
  }

  let requested: string[] | undefined;
  if (claims.scopes !== undefined && claims.scopes !== null) {
    requested = (typeof claims.scopes === "string" ? claims.scopes.split(/\s+/) : claims.scopes).map((s) => s.trim()).filter(Boolean);
    const invalid = requested.filter((s) => !SCOPE_PATTERN.test(s));
    if (invalid.length) return fail("invalid_claim", `invalid member assertion: "scopes" must be resource:read or resource:write (got ${invalid.slice(0, 5).map((s) => JSON.stringify(s.slice(0, 60))).join(", ")})`);
  }

  let toolsets: string[] | undefined;
  if (claims.toolsets !== undefined && claims.toolsets !== null) {
    const parsedToolsets = parseToolsets(typeof claims.toolsets === "string" ? claims.toolsets.split(/\s+/) : claims.toolsets);
    if (!parsedToolsets.ok) return fail("invalid_claim", `invalid member assertion: ${parsedToolsets.message}`);
    toolsets = parsedToolsets.toolsets;
  }

  // Last: a refused assertion does not use up its jti. Kept until the assertion could no
  // longer be accepted anyway (exp + skew); the worker deletes expired rows.
  const fresh = await deps.hot.claimAssertionJti(input.projectId, claims.jti, new Date((claims.exp + CLOCK_SKEW_SECONDS) * 1000));
  if (!fresh) return fail("jti_replayed", "assertion jti already used: sign a new assertion (with a new random jti) for every session");

  return {
    ok: true,
    assertion: {
      memberId: claims.sub,
      ...(claims.email ? { email: claims.email } : {}),
      ...(claims.name ? { name: claims.name } : {}),
      ...(claims.roles ? { roles: claims.roles } : {}),
      scopes: narrowScopes(requested, input.keyScopes),
      narrowed: requested !== undefined,
      ...(toolsets ? { toolsets } : {}),
      jti: claims.jti,
      memberAssertionKeyId: project.memberAssertionKeyId,
    },
  };
}

type AssertionKey = { kind: "secret" | "jwk"; algorithms: string[]; kid?: string; getKey: JWTVerifyGetKey | Uint8Array };

function loadKey(secretBox: SecretBox, projectId: string, project: { memberAssertionSecretEnc: string | null; memberAssertionJwk: unknown }): AssertionKey | undefined {
  if (project.memberAssertionJwk) {
    const parsed = memberAssertionJwkSchema.safeParse(project.memberAssertionJwk);
    if (!parsed.success) return undefined;
    const jwk = parsed.data;
    const algorithms = jwk.kty === "EC" ? ["ES256"] : ["EdDSA", "Ed25519"];
    const publicJwk: JWK = jwk.kty === "EC" ? { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: "OKP", crv: jwk.crv, x: jwk.x };
    return { kind: "jwk", algorithms, ...(jwk.kid ? { kid: jwk.kid } : {}), getKey: async (header) => importJWK(publicJwk, header.alg) };
  }
  if (project.memberAssertionSecretEnc) {
    return { kind: "secret", algorithms: ["HS256"], getKey: new TextEncoder().encode(secretBox.decrypt(project.memberAssertionSecretEnc, secretAd.memberAssertionSecret(projectId))) };
  }
  return undefined;
}

function mapJoseError(error: unknown, issuer: string, kind: "secret" | "jwk"): MemberAssertionFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const claim = (error as { claim?: unknown }).claim;
  const reason = (error as { reason?: unknown }).reason;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return fail("expired", "member assertion expired: sign a fresh one right before minting a session");
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return fail("bad_signature", `signature verification failed: the assertion was not signed with the project's member-assertion ${kind === "secret" ? "secret" : "key"}`);
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return fail("algorithm_not_allowed", "algorithm not allowed for this project's member-assertion key");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "aud") return fail("wrong_audience", `wrong audience: the assertion's "aud" must be the gateway URL "${issuer}"`);
      if (claim === "nbf") return fail("not_yet_valid", 'member assertion is not valid yet ("nbf" is in the future)');
      if (reason === "missing" && claim === "sub") return fail("missing_claim", 'member assertion has no "sub": set it to the member\'s id');
      if (reason === "missing") return fail("missing_claim", `member assertion has no "${String(claim)}" claim`);
      return fail("invalid_claim", `invalid member assertion: "${String(claim)}" ${reason === "invalid" ? "has the wrong type" : "is not accepted"}`);
    default:
      // ERR_JWS_INVALID, ERR_JWT_INVALID, key import failures: the token itself is unusable.
      return fail("malformed", "member assertion is not a valid JWT");
  }
}

function fail(reason: MemberAssertionFailureReason, message: string): MemberAssertionFailure {
  return { ok: false, reason, message };
}
