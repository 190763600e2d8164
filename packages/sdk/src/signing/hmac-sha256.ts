import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 over the signature base (RFC 9421 §3.3.3): the signature is the raw 32-byte MAC. */
export function hmacSha256(key: Uint8Array, signatureBase: string): Uint8Array {
  return createHmac("sha256", key).update(signatureBase, "utf8").digest();
}

/**
 * Compares a received MAC with the expected one in constant time (RFC 9421 §3.3.3 and
 * §7.3.4 on timing side channels). A length mismatch returns early: the length is public.
 */
export function macEquals(expected: Uint8Array, received: Uint8Array): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}
