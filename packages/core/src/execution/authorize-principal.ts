import type { ApiKeyAuthRow, HotQueries, MemberSessionAuthRow, OAuthConnectionAuthRow } from "@tengine/db";
import { clientAllowed, scopesWithinCeiling } from "../oauth/oauth-policy.ts";
import type { Principal } from "../principal/principal.ts";
import type { ProjectConfig } from "../projects/project-config.ts";
import { missingScopes } from "../scopes/has-scopes.ts";

/**
 * Why a principal may not make a call now. A closed set: callers map codes to their own
 * wording (an auth failure at the edge, a denied run after approval), never match on prose.
 */
export const PRINCIPAL_DENIALS = [
  "credential_mismatch",
  "api_key_unknown",
  "api_key_revoked",
  "api_key_expired",
  "member_assertion_key_changed",
  "connection_unknown",
  "connection_revoked",
  "user_not_in_org",
  "client_not_allowed",
  "scope_above_ceiling",
  "mcp_disabled",
  "member_required",
  "insufficient_scope",
] as const;
export type PrincipalDenialCode = (typeof PRINCIPAL_DENIALS)[number];

export type PrincipalAuthorization = { ok: true } | { ok: false; code: PrincipalDenialCode; /** for insufficient_scope: the tool's required scopes */ requiredScopes?: string[] };

/**
 * The current stored state of the credential behind a principal, as the hot-path queries read
 * it (one row by id, joined with its project). `null` rows: the key or connection is gone.
 */
export type CredentialState =
  | { kind: "api_key"; key: ApiKeyAuthRow | null }
  | { kind: "member"; key: MemberSessionAuthRow | null; /** the `mak` the session was minted under */ memberAssertionKeyId: string | undefined }
  | { kind: "oauth"; connection: OAuthConnectionAuthRow | null; /** the scopes the token carries */ scopes: readonly string[] }
  | { kind: "dashboard" };

/** What the scope rule reads of a tool: its required scopes, and whether only scopes granted by name count. */
export type ToolScopes = { requiredScopes: readonly string[]; explicitScopes?: boolean };

const OK: PrincipalAuthorization = { ok: true };
const deny = (code: PrincipalDenialCode): PrincipalAuthorization => ({ ok: false, code });

/**
 * Whether the credential is still good: not revoked or expired, the member-assertion key it
 * was minted under still the project's, the OAuth user still in the organization, the client
 * still allowlisted and the token's scopes within the project's current ceiling. The gateway's
 * authenticators run it on every request; approved calls run it again before sending.
 */
export function checkCredential(state: CredentialState): PrincipalAuthorization {
  switch (state.kind) {
    case "dashboard":
      return OK;
    case "api_key":
    case "member": {
      const { key } = state;
      if (!key) return deny("api_key_unknown");
      if (key.revoked) return deny("api_key_revoked");
      if (key.expired) return deny("api_key_expired");
      if (state.kind === "member" && (!state.memberAssertionKeyId || state.key?.memberAssertionKeyId !== state.memberAssertionKeyId)) return deny("member_assertion_key_changed");
      return OK;
    }
    case "oauth": {
      const { connection } = state;
      if (!connection) return deny("connection_unknown");
      if (connection.revoked) return deny("connection_revoked");
      if (!connection.isMember) return deny("user_not_in_org");
      if (!clientAllowed(connection, connection.clientId)) return deny("client_not_allowed");
      if (!scopesWithinCeiling(state.scopes, connection.oauthScopes)) return deny("scope_above_ceiling");
      return OK;
    }
  }
}

/**
 * Whether this principal may call this tool of this project as it is configured now: MCP on,
 * a member identity where the project requires one, and every scope the tool requires granted.
 * `callTool` runs it on every call; approved calls run it again before sending.
 */
export function checkToolAccess(principal: Principal, project: Pick<ProjectConfig, "mcpEnabled" | "requireMember">, tool: ToolScopes): PrincipalAuthorization {
  if (principal.kind !== "dashboard" && !project.mcpEnabled) return deny("mcp_disabled");
  // Scopes granted by name only (platform tools): an empty scope list does not stand for them.
  const granted = tool.explicitScopes ? (principal.scopes ?? []) : principal.scopes;
  if (missingScopes(tool.requiredScopes, granted).length) return { ok: false, code: "insufficient_scope", requiredScopes: [...tool.requiredScopes] };
  // require_member is about acting for the customer's end users; platform tools act for the admin.
  if (project.requireMember && !tool.explicitScopes && principal.kind !== "dashboard" && !principal.memberId) return deny("member_required");
  return OK;
}

/**
 * The principal-authorization step, one rule for the direct and the approved call: the
 * credential as stored now, then the tool as configured now. `callTool` runs it with the state
 * its authenticator read on the same request; an approved call re-reads the state first
 * (`readCredentialState`). A pipeline step: pure, given the state, answering a typed result.
 */
export function authorizePrincipal(input: { credential: CredentialState; principal: Principal; project: Pick<ProjectConfig, "mcpEnabled" | "requireMember">; tool: ToolScopes }): PrincipalAuthorization {
  // A principal checked against another kind of credential's state is a bug: refuse it.
  if (input.credential.kind !== input.principal.kind) return deny("credential_mismatch");
  const credential = checkCredential(input.credential);
  return credential.ok ? checkToolAccess(input.principal, input.project, input.tool) : credential;
}

/**
 * Re-reads the credential behind a stored principal (an approved call's), with the same
 * prepared queries the authenticators use. A row of another project, user or client counts
 * as gone.
 */
export async function readCredentialState(hot: HotQueries, principal: Principal, now?: Date): Promise<CredentialState> {
  switch (principal.kind) {
    case "dashboard":
      return { kind: "dashboard" };
    case "api_key":
    case "member": {
      const row = principal.keyId ? await hot.findMemberSessionKey(principal.keyId, now) : null;
      const key = row && row.projectId === principal.projectId ? row : null;
      return principal.kind === "api_key" ? { kind: "api_key", key } : { kind: "member", key, memberAssertionKeyId: principal.memberAssertionKeyId };
    }
    case "oauth": {
      const row = principal.connectionId ? await hot.findOAuthConnection(principal.connectionId) : null;
      const matches = row && row.projectId === principal.projectId && row.userId === principal.userId && row.clientId === principal.clientId;
      return { kind: "oauth", connection: matches ? row : null, scopes: principal.scopes ?? [] };
    }
  }
}

/** How an approved call that was not sent explains itself in its run and tool error. */
export const PRINCIPAL_DENIAL_REASONS: Record<PrincipalDenialCode, string> = {
  credential_mismatch: "the call's credential does not match its principal",
  api_key_unknown: "the call's API key no longer exists",
  api_key_revoked: "the API key was revoked",
  api_key_expired: "the API key expired",
  member_assertion_key_changed: "the project's member-assertion key was changed",
  connection_unknown: "the call's OAuth connection no longer exists",
  connection_revoked: "the OAuth connection was revoked",
  user_not_in_org: "the user is no longer a member of the organization",
  client_not_allowed: "the OAuth client is no longer allowed for the project",
  scope_above_ceiling: "the token's scopes are above the project's current OAuth scope ceiling",
  mcp_disabled: "MCP access to the project was disabled",
  member_required: "the project now requires a member identity",
  insufficient_scope: "the tool now requires scopes the caller does not hold",
};
