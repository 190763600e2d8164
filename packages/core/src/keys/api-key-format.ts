import { randomBase62, sha256Hex } from "../crypto/hash.ts";

export const API_KEY_PREFIX = "tengine_";

/** `tengine_` + 32 random bytes in base62 (DESIGN §11). */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBase62(32);
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9]{40,60}$/.test(value.slice(API_KEY_PREFIX.length));
}
