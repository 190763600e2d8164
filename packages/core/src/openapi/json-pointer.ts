/** RFC 6901 JSON pointers, as `$ref` fragments (`#/components/schemas/Pet`) and error locations. */

export function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `["paths", "/pets", "get"]` → `/paths/~1pets/get` */
export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapeToken(String(t))}`).join("");
}

/**
 * The tokens of a local `$ref` (`#/a/b~1c` → `["a", "b/c"]`); `undefined` for a reference to
 * another document (`other.yaml#/X`, `https://…`), which an import never follows.
 */
export function refTokens(ref: string): string[] | undefined {
  if (!ref.startsWith("#")) return undefined;
  const fragment = ref.slice(1);
  if (fragment === "") return [];
  if (!fragment.startsWith("/")) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    decoded = fragment;
  }
  return decoded
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at `tokens` (own properties and array indexes only), or `undefined`. */
export function getAt(root: unknown, tokens: readonly string[]): unknown {
  let current: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(?:0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Canonical `#/…` form of a local reference's target, so equal targets share one `$defs` entry. */
export function canonicalRef(tokens: readonly string[]): string {
  return `#${toPointer(tokens)}`;
}
