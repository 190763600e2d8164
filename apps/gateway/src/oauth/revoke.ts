import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateClient, revokeToken } from "@tengine/core";
import { clientCredentials, type OAuthDeps, readForm, sendOAuthError, sendOAuthJson } from "./oauth-http.ts";

/**
 * `POST /oauth/revoke` (alias `/revoke`): RFC 7009. The client authenticates like at the token
 * endpoint; the answer is 200 whether or not the token was known (§2.2). Revoking either token
 * ends its connection (see core `revokeToken`).
 */
export async function handleRevoke(deps: OAuthDeps, req: IncomingMessage, res: ServerResponse) {
  let basic = false;
  try {
    const form = await readForm(req);
    const credentials = clientCredentials(req, form);
    basic = credentials.method === "client_secret_basic";
    const client = await authenticateClient(deps.db, credentials);
    await revokeToken({ db: deps.db, gatewayKeys: deps.gatewayKeys, issuer: deps.issuer, ...(deps.now ? { now: deps.now } : {}) }, client, { token: form.get("token") ?? undefined });
    sendOAuthJson(res, 200, {});
  } catch (error) {
    sendOAuthError(res, error, basic);
  }
}
