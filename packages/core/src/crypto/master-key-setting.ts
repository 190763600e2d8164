import { z } from "zod";

/** How to make a key, quoted in every message about a missing or weak one. */
export const MASTER_KEY_HOWTO = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/**
 * Why `key` is not usable as TENGINE_MASTER_KEY, or `undefined` when it is: it must be exactly
 * 32 bytes in base64url (or base64), as SecretBox decodes it. Node's decoder skips characters it
 * does not know, so the text is checked as well as the decoded length. A key with fewer than 12
 * distinct byte values (all zeros, a repeated character) is refused as a placeholder: 32 random
 * bytes have about 30, and fewer than 12 happens by chance with negligible probability.
 */
export function masterKeyProblem(key: string): string | undefined {
  if (!/^[A-Za-z0-9_+/-]{43}=?$/.test(key)) return `TENGINE_MASTER_KEY must be 32 random bytes, base64url-encoded (43 characters); ${MASTER_KEY_HOWTO}`;
  const bytes = Buffer.from(key, "base64url");
  if (bytes.length !== 32) return `TENGINE_MASTER_KEY must decode to 32 bytes; ${MASTER_KEY_HOWTO}`;
  if (new Set(bytes).size < 12) return `TENGINE_MASTER_KEY looks like a placeholder, not random bytes; ${MASTER_KEY_HOWTO}`;
  return undefined;
}

/** TENGINE_MASTER_KEY as the apps' env schemas read it: required, and 32 random bytes. */
export const masterKeySetting = z
  .string({ error: `TENGINE_MASTER_KEY is required (it encrypts secrets at rest; npm start generates one into .data/); ${MASTER_KEY_HOWTO}` })
  .superRefine((key, ctx) => {
    const problem = masterKeyProblem(key);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
