import { type Role, roleAtLeast } from "../access/roles.ts";
import { missingScopes } from "../scopes/has-scopes.ts";
import { PLATFORM_FAMILIES, PLATFORM_FAMILY_NAMES, type PlatformActionSpec, type PlatformFamily } from "./platform-families.ts";

/**
 * Platform scopes are coarse: `platform.<family>:read` and `platform.<family>:write`, write
 * implying read; subresources add no scope names.
 */
export function platformScope(family: PlatformFamily, write: boolean): string {
  return `platform.${family}:${write ? "write" : "read"}`;
}

/** Whether the scope is one of the platform families' (a project's own scopes may use other `platform.*` names). */
export function isPlatformScope(scope: string): boolean {
  const match = /^platform\.([a-z_]+):(read|write)$/.exec(scope);
  return !!match && Object.hasOwn(PLATFORM_FAMILIES, match[1]!);
}

/**
 * The scopes a principal holds for platform tools. An empty scope list (`null`: full project
 * access) grants none: a full-access project key does not become an admin key. Platform
 * scopes are only ever granted by name.
 */
export function explicitScopes(granted: readonly string[] | null): readonly string[] {
  return granted ?? [];
}

/** Whether `granted` (by name only) allows the family's reads, or its writes. */
export function holdsPlatformScope(granted: readonly string[] | null, family: PlatformFamily, write: boolean): boolean {
  return missingScopes([platformScope(family, write)], explicitScopes(granted)).length === 0;
}

/** The least role that may do one of these actions (reads or writes) in the dashboard. */
function leastRole(actions: readonly PlatformActionSpec[]): Role | undefined {
  const roles = actions.map((a) => a.minRole);
  return (["viewer", "member", "admin", "owner"] as const).find((r) => roles.includes(r));
}

/**
 * The platform scopes a signed-in user's role can grant an OAuth connection: a family's reads
 * when the role may read it in the dashboard, its writes when the role may change it there
 * (viewer → reads; member → the project families' writes; admin and owner → everything).
 */
export function platformScopesForRole(role: Role): string[] {
  const scopes: string[] = [];
  for (const family of PLATFORM_FAMILY_NAMES) {
    const actions: PlatformActionSpec[] = Object.values(PLATFORM_FAMILIES[family].actions);
    const readRole = leastRole(actions.filter((a) => !a.write));
    const writeRole = leastRole(actions.filter((a) => a.write));
    if (readRole && roleAtLeast(role, readRole)) scopes.push(platformScope(family, false));
    if (writeRole && roleAtLeast(role, writeRole)) scopes.push(platformScope(family, true));
  }
  return scopes;
}

/** The platform scopes of `scopes` that a user of `role` may not grant (empty: all fine). */
export function platformScopesAboveRole(scopes: readonly string[], role: Role): string[] {
  const allowed = platformScopesForRole(role);
  return scopes.filter((s) => isPlatformScope(s) && missingScopes([s], allowed).length > 0);
}
