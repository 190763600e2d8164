import type { MemberSessionAuthRow, OAuthConnectionAuthRow } from "@tengine/db";
import { describe, expect, it } from "vitest";
import type { Principal } from "../principal/principal.ts";
import { authorizePrincipal, type CredentialState, PRINCIPAL_DENIAL_REASONS, PRINCIPAL_DENIALS, type PrincipalDenialCode } from "./authorize-principal.ts";

// The rule itself, pure: one row per code of the closed set, plus the allowed cases. The
// gateway tests (approval-reauthorize, endpoint-security) drive it through real requests.

const project = { id: "proj_1", slug: "p", configVersion: 1, requireMember: false, allowHttpUpstreams: false, allowedUpstreamHosts: [], mcpEnabled: true };
const key: MemberSessionAuthRow = { id: "key_1", scopes: [], revoked: false, expired: false, touchDue: false, projectId: "proj_1", slug: "p", configVersion: 1, requireMember: false, allowHttpUpstreams: false, allowedUpstreamHosts: [], mcpEnabled: true, memberAssertionKeyId: "mak_1" };
const connection: OAuthConnectionAuthRow = { id: "conn_1", userId: "user_1", clientId: "cli_1", revoked: false, touchDue: false, isMember: true, projectId: "proj_1", slug: "p", configVersion: 1, requireMember: false, allowHttpUpstreams: false, allowedUpstreamHosts: [], mcpEnabled: true, oauthClientIds: [], oauthScopes: ["items:read", "items:write"] };

const apiKey: Principal = { projectId: "proj_1", projectSlug: "p", kind: "api_key", keyId: "key_1", scopes: null };
const member: Principal = { projectId: "proj_1", projectSlug: "p", kind: "member", keyId: "key_1", memberId: "m_1", memberAssertionKeyId: "mak_1", scopes: null };
const oauth: Principal = { projectId: "proj_1", projectSlug: "p", kind: "oauth", userId: "user_1", clientId: "cli_1", connectionId: "conn_1", scopes: ["items:write"] };
const tool = { requiredScopes: ["items:write"] };

type Row = { name: string; principal: Principal; credential: CredentialState; project?: Partial<typeof project>; tool?: { requiredScopes: string[] }; expected: PrincipalDenialCode | "ok" };
const ROWS: Row[] = [
  { name: "a valid API key", principal: apiKey, credential: { kind: "api_key", key }, expected: "ok" },
  { name: "a valid member session", principal: member, credential: { kind: "member", key, memberAssertionKeyId: "mak_1" }, expected: "ok" },
  { name: "a valid OAuth token", principal: oauth, credential: { kind: "oauth", connection, scopes: ["items:write"] }, expected: "ok" },
  { name: "the dashboard", principal: { ...apiKey, kind: "dashboard", userId: "u" }, credential: { kind: "dashboard" }, project: { mcpEnabled: false, requireMember: true }, expected: "ok" },
  { name: "a deleted key", principal: apiKey, credential: { kind: "api_key", key: null }, expected: "api_key_unknown" },
  { name: "a revoked key", principal: apiKey, credential: { kind: "api_key", key: { ...key, revoked: true } }, expected: "api_key_revoked" },
  { name: "an expired key", principal: apiKey, credential: { kind: "api_key", key: { ...key, expired: true } }, expected: "api_key_expired" },
  { name: "a rotated member-assertion key", principal: member, credential: { kind: "member", key: { ...key, memberAssertionKeyId: "mak_2" }, memberAssertionKeyId: "mak_1" }, expected: "member_assertion_key_changed" },
  { name: "a member session stored without its key id", principal: member, credential: { kind: "member", key, memberAssertionKeyId: undefined }, expected: "member_assertion_key_changed" },
  { name: "a deleted connection", principal: oauth, credential: { kind: "oauth", connection: null, scopes: [] }, expected: "connection_unknown" },
  { name: "a revoked connection", principal: oauth, credential: { kind: "oauth", connection: { ...connection, revoked: true }, scopes: ["items:write"] }, expected: "connection_revoked" },
  { name: "a user who left the organization", principal: oauth, credential: { kind: "oauth", connection: { ...connection, isMember: false }, scopes: ["items:write"] }, expected: "user_not_in_org" },
  { name: "a client off the allowlist", principal: oauth, credential: { kind: "oauth", connection: { ...connection, oauthClientIds: ["cli_2"] }, scopes: ["items:write"] }, expected: "client_not_allowed" },
  { name: "scopes above a lowered ceiling", principal: oauth, credential: { kind: "oauth", connection: { ...connection, oauthScopes: ["items:read"] }, scopes: ["items:write"] }, expected: "scope_above_ceiling" },
  { name: "MCP disabled", principal: apiKey, credential: { kind: "api_key", key }, project: { mcpEnabled: false }, expected: "mcp_disabled" },
  { name: "a project that requires members, called with a key", principal: apiKey, credential: { kind: "api_key", key }, project: { requireMember: true }, expected: "member_required" },
  { name: "a principal checked against another kind of credential", principal: apiKey, credential: { kind: "oauth", connection, scopes: [] }, expected: "credential_mismatch" },
  { name: "a tool needing a scope the caller lacks", principal: { ...oauth, scopes: ["items:read"] }, credential: { kind: "oauth", connection, scopes: ["items:read"] }, expected: "insufficient_scope" },
];

describe("authorizePrincipal", () => {
  it.each(ROWS.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const result = authorizePrincipal({ credential: row.credential, principal: row.principal, project: { ...project, ...row.project }, tool: row.tool ?? tool });
    expect(result.ok ? "ok" : result.code).toBe(row.expected);
  });

  it("every code of the closed set is exercised above and has a reason", () => {
    expect(new Set(ROWS.map((r) => r.expected).filter((c) => c !== "ok"))).toEqual(new Set(PRINCIPAL_DENIALS));
    for (const code of PRINCIPAL_DENIALS) expect(PRINCIPAL_DENIAL_REASONS[code]).toMatch(/^the |^MCP /);
  });

  it("names the tool's required scopes when they are missing", () => {
    expect(authorizePrincipal({ credential: { kind: "api_key", key }, principal: { ...apiKey, scopes: ["items:read"] }, project, tool })).toEqual({ ok: false, code: "insufficient_scope", requiredScopes: ["items:write"] });
  });
});
