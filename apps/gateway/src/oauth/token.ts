import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateClient, OAuthError, redeemAuthorizationCode, refreshAccessToken } from "@tengine/core";
import { clientCredentials, type OAuthDeps, readForm, sendOAuthError, sendOAuthJson } from "./oauth-http.ts";

/**
 * `POST /oauth/token` (alias `/token`): OAuth 2.1 §3.2 with the `authorization_code` and
 * `refresh_token` grants. Confidential clients authenticate (HTTP Basic or body), public ones
 * name themselves with `client_id`. RFC 6749 error JSON, `Cache-Control: no-store`.
 */
export async function handleToken(deps: OAuthDeps, req: IncomingMessage, res: ServerResponse) {
  let basic = false;
  try {
    const form = await readForm(req);
    const credentials = clientCredentials(req, form);
    basic = credentials.method === "client_secret_basic";
    const grantType = form.get("grant_type");
    if (!grantType) throw new OAuthError("invalid_request", "grant_type is required");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      throw new OAuthError("unsupported_grant_type", `grant_type ${grantType} is not supported: use authorization_code or refresh_token`);
    }
    const client = await authenticateClient(deps.db, credentials);
    const server = { db: deps.db, gatewayKeys: deps.gatewayKeys, issuer: deps.issuer, ...(deps.now ? { now: deps.now } : {}) };
    const opt = (name: string) => form.get(name) ?? undefined;
    const tokens =
      grantType === "authorization_code"
        ? await redeemAuthorizationCode(server, client, { code: opt("code"), redirectUri: opt("redirect_uri"), codeVerifier: opt("code_verifier"), resource: opt("resource"), scope: opt("scope") })
        : await refreshAccessToken(server, client, { refreshToken: opt("refresh_token"), scope: opt("scope"), resource: opt("resource") });
    sendOAuthJson(res, 200, tokens);
  } catch (error) {
    if (error instanceof OAuthError && error.code === "invalid_grant") deps.logger.info({ reason: error.message }, "oauth token refused");
    sendOAuthError(res, error, basic);
  }
}
