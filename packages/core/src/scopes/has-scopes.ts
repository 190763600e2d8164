/**
 * Scope checks (DESIGN §5). Scopes are `resource:read` / `resource:write`; write implies read.
 * `granted === null` means full project access (an API key with no scope list).
 */
export function missingScopes(required: readonly string[], granted: readonly string[] | null): string[] {
  if (granted === null) return [];
  const have = new Set(granted);
  return required.filter((scope) => {
    if (have.has(scope)) return false;
    const [resource, action] = splitScope(scope);
    return !(action === "read" && have.has(`${resource}:write`));
  });
}

export function hasScopes(required: readonly string[], granted: readonly string[] | null): boolean {
  return missingScopes(required, granted).length === 0;
}

function splitScope(scope: string): [string, string] {
  const at = scope.lastIndexOf(":");
  return at < 0 ? [scope, ""] : [scope.slice(0, at), scope.slice(at + 1)];
}

export const SCOPE_PATTERN = /^[a-z0-9][a-z0-9_.-]*:(read|write)$/;

/** Normalises a user-supplied scope list: trimmed, deduplicated, each `resource:read|write`. */
export function parseScopes(input: readonly string[]): { ok: true; scopes: string[] } | { ok: false; invalid: string[] } {
  const scopes = [...new Set(input.map((s) => s.trim()).filter(Boolean))];
  const invalid = scopes.filter((s) => !SCOPE_PATTERN.test(s));
  return invalid.length ? { ok: false, invalid } : { ok: true, scopes };
}
