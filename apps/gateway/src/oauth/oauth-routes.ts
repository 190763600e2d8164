import type { IncomingMessage, ServerResponse } from "node:http";
import { handleAuthorize } from "./authorize.ts";
import { authorizationServerMetadata } from "./metadata.ts";
import { CORS, type OAuthDeps, sendOAuthJson } from "./oauth-http.ts";
import { handleRegister } from "./register.ts";
import { handleRevoke } from "./revoke.ts";
import { handleToken } from "./token.ts";

/** `/oauth/x` and its compatibility alias `/x` at the gateway root (DESIGN §11). */
const OAUTH_PATH = /^\/(?:oauth\/)?(authorize|token|register|revoke)\/?$/;

/**
 * Routes the OAuth authorization server's endpoints; returns the route name for metrics, or
 * undefined when the path is not one of them.
 */
export async function routeOAuth(deps: OAuthDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<string | undefined> {
  const path = url.pathname;
  if (path === "/.well-known/oauth-authorization-server") {
    if (req.method === "OPTIONS") return preflight(res, "oauth_metadata");
    sendOAuthJson(res, 200, authorizationServerMetadata(deps.issuer), { "cache-control": "public, max-age=300" });
    return "oauth_metadata";
  }
  const match = OAUTH_PATH.exec(path);
  if (!match) return undefined;
  const endpoint = match[1] as "authorize" | "token" | "register" | "revoke";
  const route = `oauth_${endpoint}`;
  if (endpoint === "authorize") {
    if (req.method === "GET") await handleAuthorize(deps, req, res, url);
    else sendOAuthJson(res, 405, { error: "invalid_request", error_description: "Use GET for the authorization endpoint" }, { allow: "GET" });
    return route;
  }
  if (req.method === "OPTIONS") return preflight(res, route);
  if (req.method !== "POST") {
    sendOAuthJson(res, 405, { error: "invalid_request", error_description: `Use POST for the ${endpoint} endpoint` }, { allow: "POST" });
    return route;
  }
  if (endpoint === "token") await handleToken(deps, req, res);
  else if (endpoint === "register") await handleRegister(deps, req, res);
  else await handleRevoke(deps, req, res);
  return route;
}

function preflight(res: ServerResponse, route: string) {
  res.writeHead(204, CORS).end();
  return route;
}
