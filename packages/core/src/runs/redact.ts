/** Headers whose values are credentials, whatever tool or template set them. */
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "signature", "x-api-key", "api-key"]);
export const REDACTED = "[redacted]";

/**
 * Removes secrets from a value about to be stored or logged: any header named like a
 * credential, and every occurrence of a known secret value anywhere in strings.
 */
export function redactHeaders(headers: Record<string, string>, secretValues: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : redactString(value, secretValues);
  }
  return out;
}

export function redactString(value: string, secretValues: readonly string[]): string {
  let out = value;
  for (const secret of secretValues) {
    // Secrets shorter than 8 characters are refused at input (tool auth, project secrets), so
    // this never skips a real one; it keeps stray empty values from blanking out text.
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Cuts a text to `max` characters with a note, for run records. */
export function capText(text: string, max: number): { text: string; truncated: boolean } {
  return text.length <= max ? { text, truncated: false } : { text: `${text.slice(0, max)}…`, truncated: true };
}

/** Redacts every string inside a JSON-like value (tool results shown to the model). */
export function redactDeep<T>(value: T, secretValues: readonly string[]): T {
  if (secretValues.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactString(v, secretValues);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
