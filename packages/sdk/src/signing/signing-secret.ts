import { randomBytes } from "node:crypto";

/** A signing secret is the unpadded base64url encoding (RFC 4648 §5) of 32 random bytes. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SECRET_BYTES = 32;

/**
 * Generates a new HMAC-SHA256 signing secret: 32 random bytes, base64url-encoded without
 * padding (43 characters). RFC 9421 §3.3.3 requires the HMAC key to be kept secret by both
 * parties; 32 bytes matches the SHA-256 block output size recommended for HMAC keys.
 */
export function generateSigningSecret(): string {
  return randomBytes(SECRET_BYTES).toString("base64url");
}

/**
 * Decodes a signing secret into the HMAC key bytes.
 *
 * @throws TypeError when the secret is not in the documented format; a malformed secret is a
 *   configuration error, never something a remote party controls. The message names the
 *   `keyid`, never the secret.
 */
export function decodeSigningSecret(secret: string, keyid: string): Uint8Array {
  if (typeof secret !== "string" || !SECRET_PATTERN.test(secret)) {
    throw new TypeError(
      `Signing secret for keyid "${keyid}" is malformed: expected 43 base64url characters (32 bytes, no padding), as produced by generateSigningSecret().`,
    );
  }
  const bytes = Buffer.from(secret, "base64url");
  // The pattern admits a last character whose low bits are not zero; re-encoding catches it.
  if (bytes.length !== SECRET_BYTES || bytes.toString("base64url") !== secret) {
    throw new TypeError(`Signing secret for keyid "${keyid}" is not a canonical base64url encoding of 32 bytes.`);
  }
  return bytes;
}
