import type { IncomingMessage, ServerResponse } from "node:http";
import { isInfraUnavailableError, OAuthError, registerClient } from "@tengine/core";
import { BodyTooLargeError, readBody } from "../http/read-body.ts";
import { clientIp, type OAuthDeps, sendOAuthError, sendOAuthJson } from "./oauth-http.ts";

const MAX_BODY_BYTES = 32 * 1024;

/**
 * `POST /oauth/register` (alias `/register`): RFC 7591 dynamic client registration. Open (no
 * initial access token, as MCP clients expect) but rate limited per client IP: 429 with
 * Retry-After. 201 with the client information; errors are RFC 7591 §3.2.2 JSON.
 */
export async function handleRegister(deps: OAuthDeps, req: IncomingMessage, res: ServerResponse) {
  try {
    const ip = clientIp(req, deps.trustProxy);
    try {
      const decision = await deps.limiter.hit(`oauth-register:${ip}`, deps.registrationLimit, deps.now?.());
      if (!decision.allowed) {
        const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        return sendOAuthJson(res, 429, { error: "rate_limited", error_description: `Too many client registrations from this address; retry in ${seconds} s` }, { "retry-after": String(seconds) });
      }
    } catch (error) {
      // Redis down: registrations are rare and harmless on their own, so they fail open.
      if (!isInfraUnavailableError(error)) throw error;
      deps.logger.warn({ reason: error.message }, "rate limiter unavailable: client registration allowed without a limit");
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
