import { randomBytes } from "node:crypto";
import type { Db } from "@tengine/db";
import { recordAudit } from "../audit/record-audit.ts";
import { sha256Hex } from "../crypto/hash.ts";
import type { Role } from "../access/roles.ts";
import { assertMayGrantScopes } from "../platform/platform-grants.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { AUTHORIZATION_CODE_TTL_SECONDS } from "./oauth-lifetimes.ts";
import { orgSlugFromResource } from "./org-resource.ts";
import { clientAllowed, OAUTH_MESSAGES, oauthPolicySelect, redirectUriAllowed, scopesWithinCeiling } from "./oauth-policy.ts";

/** What the consent page shows about a pending authorization request. */
export type AuthorizationRequestView = {
  id: string;
  project: { id: string; slug: string; name: string; orgId: string };
  /** `metadataDocument`: the client id is the https URL of its metadata document (its host is who published it) */
  client: { id: string; name: string; clientUri: string | null; metadataDocument: boolean; metadataHost: string | null };
  redirectUri: string;
  /** host[:port] of redirectUri */
  redirectHost: string;
  /** requested (already within the ceiling) */
  scopes: string[];
  expiresAt: Date;
  /** the grant is for the organization's endpoint `/o/{org}/mcp` (platform tools); `project` is its home project, whose policy applies */
  organizationEndpoint: boolean;
};

/** Request ids are 32 random bytes, base64url (43 characters). */
const REQUEST_ID = /^[A-Za-z0-9_-]{43}$/;

/** A pending request (unknown, expired and decided ones are null), with its project and client. */
async function loadPending(db: Db, requestId: string, now: Date) {
  if (!REQUEST_ID.test(requestId)) return null;
  const request = await db.oAuthAuthorizationRequest.findUnique({ where: { id: requestId } });
  if (!request || request.decidedAt || request.expiresAt <= now) return null;
  const [project, client] = await Promise.all([
    db.project.findUnique({ where: { id: request.projectId }, select: { id: true, slug: true, name: true, orgId: true, ...oauthPolicySelect } }),
    db.oAuthClient.findUnique({ where: { id: request.clientId }, select: { id: true, name: true, clientUri: true, redirectUris: true, metadataExpiresAt: true } }),
  ]);
  if (!project || !client) return null;
  return { request, project, client };
}

/** A pending authorization request for the consent page; null when unknown, expired or already decided. */
export async function getAuthorizationRequest(db: Db, requestId: string, opts: { now?: Date } = {}): Promise<AuthorizationRequestView | null> {
  const pending = await loadPending(db, requestId, opts.now ?? new Date());
  if (!pending) return null;
  const { request, project, client } = pending;
  return {
    id: request.id,
    project: { id: project.id, slug: project.slug, name: project.name, orgId: project.orgId },
    client: { id: client.id, name: client.name, clientUri: client.clientUri, metadataDocument: client.metadataExpiresAt !== null, metadataHost: client.metadataExpiresAt !== null ? new URL(client.id).host : null },
    redirectUri: request.redirectUri,
    redirectHost: new URL(request.redirectUri).host,
    scopes: request.scopes,
    expiresAt: request.expiresAt,
    organizationEndpoint: /^\/o\/[^/]+\/mcp$/.test(new URL(request.resource).pathname),
  };
}

/**
 * The user's decision on the consent page (DESIGN §11). Approve: `scopes` (default: all
 * requested) must be a subset of the request's scopes — non-empty unless the request itself
 * asked for none — and the user a member (any role) of the project's organization; creates the
 * OAuthConnection and a single-use OAuthCode and marks the request decided, all in one
 * transaction that also claims the request, so a double submit cannot mint two codes.
 * Deny: marks it decided. The policy is checked again (it may have been tightened while the
 * consent page was open). Returns where to send the browser, with `state` and `iss`
 * (RFC 9207): `{redirectUri}?code=…` or `{redirectUri}?error=access_denied`.
 */
export async function decideAuthorization(
  db: Db,
  input: { requestId: string; userId: string; decision: "approve" | "deny"; scopes?: string[]; issuer: string; now?: Date },
): Promise<{ redirectTo: string }> {
  const now = input.now ?? new Date();
  const pending = await loadPending(db, input.requestId, now);
  if (!pending) throw new AppError("not_found", "This authorization request is unknown, has expired or was already answered. Start connecting again from your client.");
  const { request, project, client } = pending;

  const membership = await db.membership.findUnique({ where: { orgId_userId: { orgId: project.orgId, userId: input.userId } }, select: { id: true, role: true } });
  if (!membership) throw new AppError("forbidden", `You are not a member of the workspace that owns project "${project.slug}"; sign in with another account.`);

  // The policy as of now: the admin may have tightened it since /oauth/authorize.
  if (!project.mcpEnabled) throw new AppError("forbidden", OAUTH_MESSAGES.mcpDisabled, { reason: "mcp_disabled" });
  if (!clientAllowed(project, client.id)) throw new AppError("forbidden", OAUTH_MESSAGES.clientId, { reason: "client_not_allowed" });
  if (!redirectUriAllowed(project, client.redirectUris, request.redirectUri)) throw new AppError("forbidden", OAUTH_MESSAGES.redirectUri, { reason: "redirect_uri_not_allowed" });

  const target = new URL(request.redirectUri);
  const respond = (params: Record<string, string>) => {
    for (const [name, value] of Object.entries(params)) target.searchParams.append(name, value);
    if (request.state !== null) target.searchParams.append("state", request.state);
    target.searchParams.append("iss", input.issuer);
    return { redirectTo: target.toString() };
  };

  if (input.decision === "deny") {
    await claimRequest(db, request.id, now);
    return respond({ error: "access_denied", error_description: "The user declined the connection" });
  }

  const approved = input.scopes === undefined ? request.scopes : [...new Set(input.scopes)];
  const outside = approved.filter((s) => !request.scopes.includes(s));
  if (outside.length) throw new AppError("bad_request", `Scopes not in this request: ${outside.join(", ")}`);
  if (approved.length === 0 && request.scopes.length > 0) throw new AppError("bad_request", "Approve at least one scope, or deny the request", { reason: "no_scope_approved" });
  if (!scopesWithinCeiling(approved, project.oauthScopes)) throw new AppError("forbidden", OAUTH_MESSAGES.scopes, { reason: "scopes_not_allowed" });
  // Platform scopes only up to the user's role (viewer → reads): the same rule as for keys.
  assertMayGrantScopes(approved, { role: membership.role as Role });

  const code = randomBytes(32).toString("base64url");
  const connectionId = newId("connection");
  await db.$transaction(async (tx) => {
    await claimRequest(tx, request.id, now);
    // A grant on the organization's endpoint: its tokens' audience is that URL (the request's resource).
    const orgId = orgSlugFromResource(input.issuer, request.resource) === undefined ? null : project.orgId;
    await tx.oAuthConnection.create({ data: { id: connectionId, projectId: project.id, orgId, userId: input.userId, clientId: client.id, scopes: approved, createdAt: now } });
    await tx.oAuthCode.create({
      data: {
        codeHash: sha256Hex(code),
        projectId: project.id,
        clientId: client.id,
        userId: input.userId,
        redirectUri: request.redirectUri,
        codeChallenge: request.codeChallenge,
        scopes: approved,
        resource: request.resource,
        connectionId,
        expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      orgId: project.orgId,
      projectId: project.id,
      actor: { userId: input.userId },
      action: "oauth_connection.create",
      targetType: "oauth_connection",
      targetId: connectionId,
      details: { clientId: client.id, clientName: client.name, scopes: approved },
    });
  });
  return respond({ code });
}

/** Marks the request decided; fails if another submit decided it first or it just expired. */
async function claimRequest(db: Pick<Db, "oAuthAuthorizationRequest">, requestId: string, now: Date) {
  const { count } = await db.oAuthAuthorizationRequest.updateMany({ where: { id: requestId, decidedAt: null, expiresAt: { gt: now } }, data: { decidedAt: now } });
  if (count !== 1) throw new AppError("conflict", "This authorization request was already answered. Start connecting again from your client.");
}
