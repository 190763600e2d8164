/**
 * @tengine/sdk: sign and verify requests between the Tengine gateway and customer APIs with
 * HTTP Message Signatures (RFC 9421) and Content-Digest (RFC 9530); sign member assertions and
 * exchange them for member session tokens (`tng_mst_…`).
 */
export { createContentDigest } from "./signing/content-digest.ts";
export { generateSigningSecret } from "./signing/signing-secret.ts";
export {
  signRequest,
  type SignableRequest,
  type SigningKey,
  type SignRequestOptions,
  type SignatureHeaders,
} from "./signing/sign-request.ts";
export { SIGNED_COMPONENTS, SIGNATURE_LABEL, SIGNATURE_ALGORITHM } from "./signing/covered-components.ts";
export { verifyRequest, type VerifyRequestOptions, type SecretsOption } from "./verify/verify-request.ts";
export type { VerifiableRequest } from "./verify/read-incoming-request.ts";
export { MemoryNonceStore, type NonceStore, type MemoryNonceStoreOptions } from "./verify/nonce-store.ts";
export type {
  VerifyResult,
  VerifySuccess,
  VerifyFailure,
  VerifyFailureReason,
  VerifiedIdentity,
} from "./verify/verify-result.ts";
export {
  createMemberAssertion,
  MAX_ASSERTION_TTL_SECONDS,
  type MemberAssertionKey,
  type MemberAssertionOptions,
} from "./member-sessions/create-member-assertion.ts";
export {
  mintMemberSession,
  MemberSessionError,
  type MemberSession,
  type MintMemberSessionOptions,
} from "./member-sessions/mint-member-session.ts";
