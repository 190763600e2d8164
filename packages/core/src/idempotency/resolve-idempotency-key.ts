import { sha256Hex } from "../crypto/hash.ts";
import { canonicalJson } from "./canonical-json.ts";

export type IdempotencySource = "header" | "meta" | "derived";

export type ResolvedIdempotencyKey = {
  key: string;
  source: IdempotencySource;
  /** how long the key holds, in seconds */
  ttlSeconds: number;
  /** hash of the canonical arguments: reusing an explicit key with other arguments is refused */
  requestHash: string;
};

/** Explicit keys are kept 24 h (DESIGN §8). */
export const EXPLICIT_KEY_TTL_SECONDS = 24 * 60 * 60;
const MAX_KEY_LENGTH = 255;

/**
 * Picks the key of a call, in DESIGN §8's order: the MCP request's `Idempotency-Key` header,
 * then `params._meta["tengine/idempotencyKey"]`, then — for tools that are not read-only and
 * have a window — a key derived from (principal, tool, canonical arguments).
 */
export function resolveIdempotencyKey(input: {
  headerKey?: string;
  metaKey?: unknown;
  principalKey: string;
  toolId: string;
  args: unknown;
  readOnly: boolean;
  windowSeconds: number;
}): { ok: true; resolved: ResolvedIdempotencyKey | null } | { ok: false; error: string } {
  const requestHash = sha256Hex(canonicalJson(input.args));
  const explicit = input.headerKey !== undefined ? { value: input.headerKey, source: "header" as const } : input.metaKey !== undefined ? { value: input.metaKey, source: "meta" as const } : undefined;
  if (explicit) {
    if (typeof explicit.value !== "string" || explicit.value.length === 0 || explicit.value.length > MAX_KEY_LENGTH || /[\0\r\n]/.test(explicit.value)) {
      return { ok: false, error: `Idempotency key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters without control characters` };
    }
    return { ok: true, resolved: { key: explicit.value, source: explicit.source, ttlSeconds: EXPLICIT_KEY_TTL_SECONDS, requestHash } };
  }
  if (input.readOnly || input.windowSeconds <= 0) return { ok: true, resolved: null };
  const key = `derived:${sha256Hex(`${input.principalKey}\n${input.toolId}\n${requestHash}`)}`;
  return { ok: true, resolved: { key, source: "derived", ttlSeconds: input.windowSeconds, requestHash } };
}
