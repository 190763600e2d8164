import type { IncomingMessage, ServerResponse } from "node:http";
import { startAuthorization } from "@tengine/core";
import { sendErrorPage } from "./error-page.ts";
import { clientIp, type OAuthDeps } from "./oauth-http.ts";
import { takeRegistrationBudget } from "./registration-budget.ts";

/**
 * `GET /oauth/authorize` (alias `/authorize`): validates the request against the client and
 * the project's policy (core `startAuthorization`). Unverifiable or refused requests get an
 * HTML page and never a redirect; protocol errors go to the verified redirect URI with `iss`
 * (RFC 9207); a valid request is stored and the browser sent to the dashboard's consent page.
 */
export async function handleAuthorize(deps: OAuthDeps, req: IncomingMessage, res: ServerResponse, url: URL) {
  // A metadata document fetch spends from the caller's registration budget (cached copies do not).
  const ip = clientIp(req, deps.trustProxy);
  const clientMetadata = {
    ...deps.clientMetadata,
    admit: async () => {
      const budget = await takeRegistrationBudget(deps, "metadata", ip);
      return budget.ok ? null : { reason: `too many client metadata documents were fetched for this address; retry in ${budget.retryAfterSec} s`, status: 429 };
    },
  };
  const result = await startAuthorization(deps.db, url.searchParams, { issuer: deps.issuer, clientMetadata, ...(deps.now ? { now: new Date(deps.now()) } : {}) });
  if (result.kind === "page") {
    deps.logger.info({ reason: result.message, clientId: url.searchParams.get("client_id") }, "oauth authorize refused");
    return sendErrorPage(res, result.status, result.message, result.detail);
  }
  const location = result.kind === "redirect" ? result.location : `${deps.dashboardUrl}/oauth/consent?request=${encodeURIComponent(result.requestId)}`;
  res.writeHead(302, { location, "cache-control": "no-store", "referrer-policy": "no-referrer" }).end();
}
