/**
 * The message components the Tengine gateway covers when it signs a request to a customer API
 * (RFC 9421 §1.1 "covered components"), in signing order.
 *
 * `@method` and `@target-uri` are derived components (RFC 9421 §2.2.1, §2.2.2) and are always
 * covered. Every other entry is an HTTP field (RFC 9421 §2.1), covered only when the request
 * carries it. Field component names are always lowercase (RFC 9421 §2.1).
 */
export const SIGNED_COMPONENTS = [
  "@method",
  "@target-uri",
  "content-digest",
  "idempotency-key",
  "x-tengine-run-id",
  "x-tengine-member-id",
  "x-tengine-project-id",
  "x-tengine-principal",
  "x-tengine-member-email",
  "x-tengine-user-id",
  "x-tengine-client-id",
] as const;

/** The signature label (RFC 9421 §4.1, §4.2) used in `Signature-Input` and `Signature`. */
export const SIGNATURE_LABEL = "tengine";

/** The only algorithm Tengine signs with: HMAC using SHA-256 (RFC 9421 §3.3.3). */
export const SIGNATURE_ALGORITHM = "hmac-sha256";

/**
 * Headers that carry who is calling and on whose behalf, mapped to the field of the verified
 * identity they populate. A verifier must refuse a request that carries any of them without
 * covering it, or an intermediary could add an unsigned identity.
 */
export const IDENTITY_HEADERS = {
  "x-tengine-run-id": "runId",
  "x-tengine-member-id": "memberId",
  "x-tengine-project-id": "projectId",
  "x-tengine-principal": "principal",
  "x-tengine-member-email": "memberEmail",
  "x-tengine-user-id": "userId",
  "x-tengine-client-id": "clientId",
  "idempotency-key": "idempotencyKey",
} as const;

export type IdentityHeader = keyof typeof IDENTITY_HEADERS;
