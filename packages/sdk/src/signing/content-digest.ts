import { hash } from "node:crypto";

/**
 * Computes the `Content-Digest` field value for a message body (RFC 9530 §2), using the
 * `sha-256` algorithm (RFC 9530 §5, §7.2), e.g. `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
 *
 * The value is an RFC 8941 Dictionary whose member is a Byte Sequence (base64 between colons).
 * Strings are encoded as UTF-8 first; pass the exact bytes you send if the body is not UTF-8.
 */
export function createContentDigest(body: string | Uint8Array): string {
  // One-shot: no Hash object per body (Node ≥ 20.12).
  return `sha-256=:${hash("sha256", body, "base64")}:`;
}
