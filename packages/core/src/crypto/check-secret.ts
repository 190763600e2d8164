/** How to make a good secret, quoted in every refusal. */
export const SECRET_HOWTO = "generate one with `openssl rand -base64 32` or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"`";

// 32 random bytes are 43 characters in base64 (44 padded) and 64 in hex: anything shorter
// cannot hold 32 bytes of randomness in a printable form.
const MIN_LENGTH = 43;
// A random base64 or hex string of that length uses well over 12 different characters;
// "aaaa…", "abcabc…" or a word repeated do not.
const MIN_DISTINCT = 12;
// Values copied from examples and templates.
const PLACEHOLDERS = ["changeme", "change-me", "change_me", "secret", "password", "example", "replace", "your-", "your_", "xxxxx"];

/**
 * Why `value` cannot sign sessions (a random string of at least 32 bytes is required), or
 * undefined when it can. Length is not randomness; this only refuses what is obviously not
 * random, so a misconfiguration fails at boot instead of leaving forgeable sessions.
 */
export function weakSecretReason(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === "") return `${name} is not set: ${SECRET_HOWTO}`;
  if (value.length < MIN_LENGTH) return `${name} is too short (${value.length} characters; at least ${MIN_LENGTH}, i.e. 32 random bytes): ${SECRET_HOWTO}`;
  const lower = value.toLowerCase();
  if (new Set(value).size < MIN_DISTINCT || PLACEHOLDERS.some((p) => lower.includes(p))) return `${name} looks like a placeholder, not random bytes: ${SECRET_HOWTO}`;
  return undefined;
}
