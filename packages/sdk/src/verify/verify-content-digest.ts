import { createHash, timingSafeEqual } from "node:crypto";
import { isInnerList, parseDictionary, type Dictionary } from "structured-headers";
import { fail, type VerifyFailure } from "./verify-result.ts";

/** Algorithms from the RFC 9530 §7.2 registry marked "Active" that we can check. */
const SUPPORTED = { "sha-256": "sha256", "sha-512": "sha512" } as const;

/**
 * Checks a `Content-Digest` field (RFC 9530 §2) against the body. Every supported algorithm
 * present must match; unknown algorithms are ignored (RFC 9530 §6), but a field with only unknown
 * algorithms is refused, since it would verify nothing.
 */
export function verifyContentDigest(field: string, body: Uint8Array): { ok: true } | VerifyFailure {
  let digests: Dictionary;
  try {
    digests = parseDictionary(field);
  } catch {
    return fail("content_digest_malformed", "Content-Digest is not a valid structured-field dictionary (RFC 9530 §2).");
  }
  let checked = 0;
  for (const [algorithm, member] of digests) {
    if (!Object.hasOwn(SUPPORTED, algorithm)) continue;
    if (isInnerList(member) || !(member[0] instanceof ArrayBuffer)) {
      return fail("content_digest_malformed", `Content-Digest "${algorithm}" must be a byte sequence (RFC 9530 §2).`);
    }
    const expected = createHash(SUPPORTED[algorithm as keyof typeof SUPPORTED]).update(body).digest();
    const received = new Uint8Array(member[0]);
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      return fail("content_digest_mismatch", `The body does not match its ${algorithm} Content-Digest.`);
    }
    checked++;
  }
  if (checked === 0) {
    return fail("content_digest_unsupported", "Content-Digest has no sha-256 or sha-512 digest to check.");
  }
  return { ok: true };
}
