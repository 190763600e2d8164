import type { Role } from "../access/roles.ts";
import { AppError } from "../errors/app-error.ts";
import { missingScopes } from "../scopes/has-scopes.ts";
import { isPlatformScope, platformScopesAboveRole } from "./platform-scopes.ts";

/**
 * Nobody hands out more platform access than they have. A person may grant a key (or an OAuth
 * connection) the platform scopes their role allows; a key creating a key only the platform
 * scopes it holds itself, by name. Other scopes are the project's own and are not limited here.
 * Used by the dashboard's key form, the platform `keys` family and the OAuth consent.
 */
export function assertMayGrantScopes(scopes: readonly string[], grantor: { role: Role } | { scopes: readonly string[] }): void {
  const above = "role" in grantor ? platformScopesAboveRole(scopes, grantor.role) : missingScopes(scopes.filter(isPlatformScope), grantor.scopes);
  if (above.length === 0) return;
  const who = "role" in grantor ? `your role (${grantor.role})` : "the credential making this call";
  throw new AppError("forbidden", `${who} cannot grant ${above.join(", ")}`, { reason: "scopes_above_role" });
}
