import { randomBytes } from "node:crypto";
import type { Db } from "@tengine/db";
import { slugFromResource } from "../member-sessions/member-session-token.ts";
import { SCOPE_PATTERN } from "../scopes/has-scopes.ts";
import { type ClientMetadataFetcher, clientIdUrlProblem, isClientIdUrl, resolveMetadataClient } from "./client-metadata-document.ts";
import { AUTHORIZATION_REQUEST_TTL_SECONDS } from "./oauth-lifetimes.ts";
import { findHomeProject, orgOAuthScopes, orgSlugFromResource } from "./org-resource.ts";
import { clientAllowed, OAUTH_MESSAGES, oauthPolicySelect, redirectUriAllowed, scopesWithinCeiling, splitScopeParam } from "./oauth-policy.ts";

/**
 * What /oauth/authorize answers:
 * - `page`: shown to the user in the browser, never redirected — the client, redirect URI,
 *   resource or project policy could not be verified or refuses (RFC 6749 §4.1.2.1, DESIGN §11);
 * - `redirect`: an RFC 6749 error sent back to the now verified redirect URI, with `iss`;
 * - `consent`: the request is stored; the browser goes to the dashboard's consent page.
 */
export type StartAuthorizationResult =
  | { kind: "page"; status: number; message: string; detail?: string }
  | { kind: "redirect"; location: string }
  | { kind: "consent"; requestId: string };

/** PKCE S256 challenge: BASE64URL(SHA256(verifier)), always 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE_LENGTH = 1024;

/**
 * Validates an authorization request (OAuth 2.1 §4.1.1, RFC 7636, RFC 8707) against the
 * registered client and the project's current policy, in this order:
 * 1. `client_id` registered, or the https URL of a Client ID Metadata Document — fetched (or
 *    its unexpired copy used) only after the MCP switch and the client allowlist admit it, and
 *    valid; a failure is a page naming the problem. `resource` names a project's MCP URL
 *    (required: it selects the project whose policy applies) or an organization's `/o/{org}/mcp` (its home project's
 *    policy applies, and only the organization families' platform scopes can be granted); MCP enabled; client on the project's allowlist;
 *    `redirect_uri` registered for the client AND on the project's allowlist (exact string).
 *    Failures are pages with DESIGN §11's exact messages.
 * 2. Requested scopes (none → the whole current ceiling) within the ceiling, else the page
 *    `Requested scopes are not allowed` (a policy failure the admin must fix).
 * 3. `response_type=code`, `code_challenge` + `code_challenge_method=S256` (plain refused):
 *    redirected as `unsupported_response_type` / `invalid_request`.
 */
export async function startAuthorization(db: Db, params: URLSearchParams, opts: { issuer: string; now?: Date; clientMetadata?: ClientMetadataFetcher }): Promise<StartAuthorizationResult> {
  const page = (message: string, detail?: string, status = 400): StartAuthorizationResult => ({ kind: "page", status, message, ...(detail ? { detail } : {}) });
  // RFC 6749 §3.1: parameters must not be repeated; for the two that pick the redirect a
  // repeat would make "which one was verified" ambiguous, so it is a page.
  const single = (name: string) => {
    const all = params.getAll(name);
    return all.length > 1 ? null : (all[0] ?? undefined);
  };

  const clientId = single("client_id");
  const redirectUri = single("redirect_uri");
  const resource = single("resource");
  if (clientId === null || redirectUri === null || resource === null) return page("Invalid authorization request", "client_id, redirect_uri and resource must each appear once.");
  if (!clientId) return page("Invalid authorization request", "client_id is missing.");
  const now = opts.now ?? new Date();
  // A metadata-document client is fetched only once the project's policy could admit it (below).
  const byDocument = isClientIdUrl(clientId);
  if (byDocument && !opts.clientMetadata) return page(OAUTH_MESSAGES.clientId, "This server does not fetch client metadata documents; register the client first (POST /oauth/register).");
  const urlProblem = byDocument ? clientIdUrlProblem(clientId) : null;
  if (urlProblem) return page("Client metadata document refused", `${capitalize(urlProblem)}.`);
  let client = !byDocument && /^cli_[0-9a-z]{26}$/.test(clientId) ? await db.oAuthClient.findUnique({ where: { id: clientId }, select: { id: true, redirectUris: true } }) : null;
  if (!byDocument && !client) return page(OAUTH_MESSAGES.clientId, `The client ${clientId} is not registered with this server. Register it first (POST /oauth/register).`);

  if (!resource) return page("Invalid authorization request", "resource is missing: send the project's MCP URL as the resource parameter (RFC 8707).");
  const slug = slugFromResource(opts.issuer, resource);
  // An organization's endpoint: its home project's policy applies, its grants hold only the organization families' scopes.
  const orgSlug = slug ? undefined : orgSlugFromResource(opts.issuer, resource);
  const project = slug ? await db.project.findUnique({ where: { slug }, select: { id: true, ...oauthPolicySelect } }) : orgSlug ? await findHomeProject(db, orgSlug) : null;
  if (!project && orgSlug) return page("Unknown resource", `${resource} is not the MCP URL of an organization with a project; its first project's OAuth policy applies to it, so create a project first.`);
  if (!project) return page("Unknown resource", `${resource} is not an MCP URL of this server; use ${opts.issuer}/p/<project>/mcp.`);
  const ceiling = orgSlug ? orgOAuthScopes(project.oauthScopes) : project.oauthScopes;

  if (!project.mcpEnabled) return page(OAUTH_MESSAGES.mcpDisabled, "An admin of the workspace has turned off MCP access for this project.", 403);
  if (!clientAllowed(project, clientId)) return page(OAUTH_MESSAGES.clientId, `The project's OAuth policy does not allow the client ${clientId}. An admin can add it on the project's OAuth policy page.`, 403);
  if (byDocument) {
    const resolved = await resolveMetadataClient(db, opts.clientMetadata!, clientId, now);
    if (!resolved.ok) return page("Client metadata document refused", `${capitalize(resolved.reason)}.`, resolved.status);
    client = resolved.client;
  }
  if (!client) return page(OAUTH_MESSAGES.clientId, `The client ${clientId} is not registered with this server.`);
  if (!redirectUri) return page("Invalid authorization request", "redirect_uri is missing.");
  if (!redirectUriAllowed(project, client.redirectUris, redirectUri)) {
    return page(OAUTH_MESSAGES.redirectUri, "The redirect URI must be registered for the client and listed, exactly (scheme, host, port, path and query), in the project's OAuth policy.", 403);
  }

  // The redirect URI is verified from here on: protocol errors go back to the client.
  const state = params.get("state");
  const redirectError = (error: string, description: string): StartAuthorizationResult => {
    const target = new URL(redirectUri);
    target.searchParams.append("error", error);
    target.searchParams.append("error_description", description);
    if (state !== null) target.searchParams.append("state", state);
    target.searchParams.append("iss", opts.issuer);
    return { kind: "redirect", location: target.toString() };
  };

  const requested = splitScopeParam(single("scope"));
  if (requested.some((s) => !SCOPE_PATTERN.test(s)) || !scopesWithinCeiling(requested, ceiling)) {
    return page(OAUTH_MESSAGES.scopes, `Requested: ${requested.join(" ")}. This ${orgSlug ? "organization endpoint" : "project"} allows at most: ${ceiling.join(" ") || "(no scopes)"}.`, 403);
  }
  const scopes = requested.length ? requested : [...ceiling];

  for (const name of ["response_type", "code_challenge", "code_challenge_method", "state", "scope"]) {
    if (params.getAll(name).length > 1) return redirectError("invalid_request", `${name} must not be repeated`);
  }
  const responseType = params.get("response_type");
  if (responseType !== "code") return redirectError("unsupported_response_type", "response_type must be code");
  const challenge = params.get("code_challenge");
  const method = params.get("code_challenge_method");
  if (!challenge) return redirectError("invalid_request", "code_challenge is required (PKCE with S256)");
  if (method !== "S256") return redirectError("invalid_request", method ? `code_challenge_method ${method} is not supported: use S256` : "code_challenge_method is required: S256");
  if (!S256_CHALLENGE.test(challenge)) return redirectError("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the verifier");
  if (state !== null && state.length > MAX_STATE_LENGTH) return redirectError("invalid_request", `state is longer than ${MAX_STATE_LENGTH} characters`);

  const requestId = randomBytes(32).toString("base64url");
  await db.oAuthAuthorizationRequest.create({
    data: {
      id: requestId,
      projectId: project.id,
      clientId: client.id,
      redirectUri,
      state,
      codeChallenge: challenge,
      scopes,
      resource,
      createdAt: now,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_REQUEST_TTL_SECONDS * 1000),
    },
  });
  return { kind: "consent", requestId };
}

/** A reason as the first sentence of a page; one naming a parameter (`client_id …`) keeps its spelling. */
const capitalize = (text: string) => (/^[a-z]+_[a-z]/.test(text) ? `The ${text}` : `${text[0]!.toUpperCase()}${text.slice(1)}`);
