import type { IncomingMessage, ServerResponse } from "node:http";
import { OAuthError, registerClient } from "@tengine/core";
import { BodyTooLargeError, readBody } from "../http/read-body.ts";
import { clientIp, type OAuthDeps, sendOAuthError, sendOAuthJson } from "./oauth-http.ts";
import { takeRegistrationBudget } from "./registration-budget.ts";

const MAX_BODY_BYTES = 32 * 1024;

/**
 * `POST /oauth/register` (alias `/register`): RFC 7591 dynamic client registration. Open (no
 * initial access token, as MCP clients expect) but rate limited per client IP: 429 with
 * Retry-After. 201 with the client information; errors are RFC 7591 §3.2.2 JSON.
 */
export async function handleRegister(deps: OAuthDeps, req: IncomingMessage, res: ServerResponse) {
  try {
    const budget = await takeRegistrationBudget(deps, "register", clientIp(req, deps.trustProxy));
    if (!budget.ok) {
      const seconds = budget.retryAfterSec;
      return sendOAuthJson(res, 429, { error: "rate_limited", error_description: `Too many client registrations from this address; retry in ${seconds} s` }, { "retry-after": String(seconds) });
    }
    if (!String(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/json")) {
      throw new OAuthError("invalid_client_metadata", "Content-Type must be application/json");
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString("utf8"));
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new OAuthError("invalid_client_metadata", `request body exceeds ${MAX_BODY_BYTES} bytes`, 413);
      throw new OAuthError("invalid_client_metadata", "The body is not valid JSON");
    }
    const client = await registerClient(deps.db, body, deps.now ? { now: new Date(deps.now()) } : {});
    deps.logger.info({ clientId: client.client_id, authMethod: client.token_endpoint_auth_method }, "oauth client registered");
    sendOAuthJson(res, 201, client);
  } catch (error) {
    sendOAuthError(res, error);
  }
}
