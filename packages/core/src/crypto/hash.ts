import { createHash, hash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Hex SHA-256. Strings (every credential lookup hashes its token) use the one-shot
 * `crypto.hash`, which skips building a Hash object per call.
 */
export function sha256Hex(value: string | Uint8Array): string {
  return typeof value === "string" ? hash("sha256", value, "hex") : createHash("sha256").update(value).digest("hex");
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `bytes` of randomness rendered in base62 (rejection sampling keeps it unbiased). */
export function randomBase62(bytes: number): string {
  const length = Math.ceil((bytes * 8) / Math.log2(62));
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
