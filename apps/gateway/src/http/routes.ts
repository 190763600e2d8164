/**
 * Every route of the gateway, in match order: the single table the server dispatches from
 * (`createGateway` needs a handler for each name) and the security suite checks against
 * (apps/gateway/test/endpoint-security.test.ts needs a case table for every route whose
 * `auth` is not `public`), so a new route cannot ship without both.
 */
export const GATEWAY_ROUTES = [
  /** MCP over Streamable HTTP, per project or at the root (the credential names the project) */
  { name: "mcp", pattern: /^\/(?:p\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\/)?mcp\/?$/, auth: "mcp_credential" },
  /** MCP for an organization: the platform tools of its cross-project families (projects, members, audit) */
  { name: "org_mcp", pattern: /^\/o\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\/mcp\/?$/, auth: "mcp_credential" },
  /** RFC 9728 protected-resource metadata of an organization's MCP endpoint */
  { name: "org_metadata", pattern: /^\/\.well-known\/oauth-protected-resource\/o\/([a-z0-9-]+)\/mcp\/?$/, auth: "public" },
  /** RFC 9728 protected-resource metadata */
  { name: "metadata", pattern: /^\/\.well-known\/oauth-protected-resource(?:\/p\/([a-z0-9-]+))?(?:\/mcp)?\/?$/, auth: "public" },
  /** RFC 8414 authorization-server metadata */
  { name: "oauth_metadata", pattern: /^\/\.well-known\/oauth-authorization-server$/, auth: "public" },
  /** sends the browser to the dashboard's consent page; the user signs in there */
  { name: "oauth_authorize", pattern: /^\/(?:oauth\/)?authorize\/?$/, auth: "public" },
  /** dynamic client registration (RFC 7591), rate-limited per client IP */
  { name: "oauth_register", pattern: /^\/(?:oauth\/)?register\/?$/, auth: "public" },
  { name: "oauth_token", pattern: /^\/(?:oauth\/)?token\/?$/, auth: "oauth_client" },
  { name: "oauth_revoke", pattern: /^\/(?:oauth\/)?revoke\/?$/, auth: "oauth_client" },
  { name: "member_sessions", pattern: /^\/v1\/member-sessions$/, auth: "api_key" },
  { name: "jwks", pattern: /^\/\.well-known\/jwks\.json$/, auth: "public" },
  { name: "healthz", pattern: /^\/healthz$/, auth: "public" },
  { name: "readyz", pattern: /^\/readyz$/, auth: "public" },
] as const satisfies ReadonlyArray<{ name: string; pattern: RegExp; auth: RouteAuth }>;

/**
 * How a route authenticates: `mcp_credential` = API key, member session token or OAuth access
 * token; `api_key` = a project API key; `oauth_client` = OAuth client authentication
 * (client_id, plus the secret for confidential clients) and a token in the body; `public` =
 * nothing (metadata, health, the start of an OAuth flow).
 */
export type RouteAuth = "public" | "mcp_credential" | "api_key" | "oauth_client";

export type GatewayRouteName = (typeof GATEWAY_ROUTES)[number]["name"];

/** The first route whose pattern matches the path, with the match (capture 1 = project slug). */
export function matchRoute(path: string): { name: GatewayRouteName; match: RegExpExecArray } | undefined {
  for (const route of GATEWAY_ROUTES) {
    const match = route.pattern.exec(path);
    if (match) return { name: route.name, match };
  }
  return undefined;
}
