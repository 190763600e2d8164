import { hasScopes } from "./has-scopes.ts";

/**
 * Scopes a member session gets (DESIGN §5, §11): the assertion's `scopes` may only narrow the
 * minting API key's. `requested` undefined = the key's access unchanged; otherwise each
 * requested scope the key holds (write implies read) is kept and the rest are dropped, so an
 * assertion can never widen access. `ceiling` null = the key has full project access.
 */
export function narrowScopes(requested: readonly string[] | undefined, ceiling: readonly string[] | null): string[] | null {
  if (requested === undefined) return ceiling === null ? null : [...ceiling];
  const unique = [...new Set(requested)];
  return ceiling === null ? unique : unique.filter((scope) => hasScopes([scope], ceiling));
}
