/**
 * Why `verifyRequest()` refused a request. Listed roughly in the order the checks run; the first
 * failure wins.
 */
export type VerifyFailureReason =
  /** No `Signature`/`Signature-Input` header, or neither has a `tengine` member (RFC 9421 §4). */
  | "signature_missing"
  /** The headers are not valid RFC 8941 dictionaries of the RFC 9421 §4.1/§4.2 shape. */
  | "signature_malformed"
  /** A covered component Tengine does not sign with (e.g. one with parameters, RFC 9421 §2.1). */
  | "unsupported_component"
  /** `alg` is absent or not `hmac-sha256` (RFC 9421 §2.3, §3.3.3). */
  | "unsupported_algorithm"
  /** `keyid` is absent or not configured in `secrets` (RFC 9421 §2.3). */
  | "unknown_key"
  /** No `created` parameter (RFC 9421 §2.3). */
  | "created_missing"
  /** `created` is older than `maxAgeSeconds`, or `expires` has passed (RFC 9421 §7.2.2). */
  | "signature_expired"
  /** `created` is further in the future than `clockSkewSeconds`. */
  | "created_in_future"
  /** The target URI could not be reconstructed (no Host header and no `url` option). */
  | "target_uri_unavailable"
  /** The body stream failed while being read. */
  | "body_unreadable"
  /** `@method`, `@target-uri`, `x-tengine-run-id`, or (with a body) `content-digest` is not covered. */
  | "required_component_not_covered"
  /** An identity header or `Idempotency-Key` is present but not covered by the signature. */
  | "identity_header_not_covered"
  /** A covered header is not in the request (RFC 9421 §2.5: the base cannot be built). */
  | "covered_component_missing"
  /** `Content-Digest` is not a valid RFC 9530 dictionary of byte sequences. */
  | "content_digest_malformed"
  /** `Content-Digest` has no algorithm we can check (`sha-256`, `sha-512`; RFC 9530 §5). */
  | "content_digest_unsupported"
  /** The body does not match `Content-Digest` (RFC 9530 §2). */
  | "content_digest_mismatch"
  /** The HMAC does not match the signature base (RFC 9421 §3.2). */
  | "signature_mismatch"
  /** No `nonce` parameter (RFC 9421 §2.3). */
  | "nonce_missing"
  /** The nonce was already used within `maxAgeSeconds` (RFC 9421 §7.2.2). */
  | "nonce_replayed";

/** Who the verified request is from, read from covered headers only. */
export interface VerifiedIdentity {
  /** `X-Tengine-Run-Id`: the tool run that made this call. Always present. */
  runId: string;
  /** `X-Tengine-Project-Id`. */
  projectId?: string;
  /** `X-Tengine-Principal`: the principal the gateway authenticated. */
  principal?: string;
  /** `X-Tengine-Member-Id`. */
  memberId?: string;
  /** `X-Tengine-Member-Email`. */
  memberEmail?: string;
  /** `X-Tengine-User-Id`. */
  userId?: string;
  /** `X-Tengine-Client-Id`: the OAuth client the call came through. */
  clientId?: string;
  /** `Idempotency-Key`: the same for every retry of one logical write. */
  idempotencyKey?: string;
}

export interface VerifySuccess {
  ok: true;
  /** The `keyid` whose secret verified the signature. */
  keyid: string;
  /** The exact body bytes the digest was checked against. Parse this, not a re-read stream. */
  body: Uint8Array;
  identity: VerifiedIdentity;
}

export interface VerifyFailure {
  ok: false;
  reason: VerifyFailureReason;
  /** A human-readable explanation, safe to log; it never contains secrets. */
  message: string;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export function fail(reason: VerifyFailureReason, message: string): VerifyFailure {
  return { ok: false, reason, message };
}
