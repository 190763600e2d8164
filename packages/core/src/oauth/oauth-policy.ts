import { hasScopes } from "../scopes/has-scopes.ts";

/**
 * The exact messages of DESIGN §11. Clients and the troubleshooting table in docs match on
 * them, so they are constants, not prose.
 */
export const OAUTH_MESSAGES = {
  redirectUri: "redirect_uri is not allowed",
  clientId: "OAuth client_id is not allowed",
  scopes: "Requested scopes are not allowed",
  mcpDisabled: "MCP is disabled for this project",
  tokenValidation: "Token validation failed",
} as const;

/** A project's admin-owned OAuth policy (DESIGN §11): the columns of Project. */
export type OAuthPolicy = {
  mcpEnabled: boolean;
  /** exact strings; port, path and query included */
  oauthRedirectUris: string[];
  /** empty = any registered client */
  oauthClientIds: string[];
  /** the ceiling of what any grant may hold */
  oauthScopes: string[];
};

export const oauthPolicySelect = { mcpEnabled: true, oauthRedirectUris: true, oauthClientIds: true, oauthScopes: true } as const;

export function clientAllowed(policy: Pick<OAuthPolicy, "oauthClientIds">, clientId: string): boolean {
  return policy.oauthClientIds.length === 0 || policy.oauthClientIds.includes(clientId);
}

/**
 * Exact string comparison (OAuth 2.1 §2.3.1, RFC 9700 §4.1.3): no normalisation of case,
 * trailing slashes, ports or query — `https://good@evil` never equals `https://good`. The
 * URI must be registered for the client AND on the project's allowlist.
 */
export function redirectUriAllowed(policy: Pick<OAuthPolicy, "oauthRedirectUris">, clientRedirectUris: readonly string[], redirectUri: string): boolean {
  return clientRedirectUris.includes(redirectUri) && policy.oauthRedirectUris.includes(redirectUri);
}

/** Every scope is within the ceiling; write in the ceiling covers read (DESIGN §5). */
export function scopesWithinCeiling(scopes: readonly string[], ceiling: readonly string[]): boolean {
  return scopes.every((scope) => hasScopes([scope], ceiling));
}

/** `"a b  c"` → `["a", "b", "c"]`, deduplicated, order kept (RFC 6749 §3.3). */
export function splitScopeParam(scope: string | null | undefined): string[] {
  return [...new Set((scope ?? "").split(" ").filter(Boolean))];
}
