import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { Db, HotQueries } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import { narrowToolsets } from "../federation/toolsets.ts";
import type { Principal } from "../principal/principal.ts";
import type { GatewayKeys } from "./gateway-keys.ts";
import { MEMBER_SESSION_PREFIX, MEMBER_SESSION_TTL_SECONDS, MEMBER_SESSION_TYP, projectResource } from "./member-session-token.ts";
import { type MemberAssertionFailure, verifyMemberAssertion } from "./verify-member-assertion.ts";

export type MintMemberSessionDeps = {
  db: Db;
  hot: HotQueries;
  secretBox: SecretBox;
  gatewayKeys: GatewayKeys;
  /** the gateway issuer (PUBLIC_GATEWAY_URL, no trailing slash) */
  issuer: string;
  /** clock in milliseconds, for tests */
  now?: () => number;
};

export type MintedMemberSession = {
  /** `tng_mst_` + the gateway-signed JWT */
  token: string;
  expiresAt: Date;
  memberId: string;
  /** the session's scopes; null = the minting key's full access */
  scopes: string[] | null;
  /** the session's toolsets as of minting: those asked for that the key has (or the key's) */
  toolsets: string[];
};

/**
 * The claims of a member session token (DESIGN §11), beyond `iss`, `aud` (the project's MCP
 * URL), `sub` (member id), `jti`, `iat` and `exp`.
 */
export type MemberSessionClaims = {
  /** project id; `aud` names the project by its MCP URL */
  pid: string;
  /** the API key that minted the session: revoking it ends the session */
  api_key_id: string;
  /** the project's member-assertion key id at minting: rotating the key ends the session */
  mak: string;
  email?: string;
  name?: string;
  roles?: string[];
  /** space-separated; absent = the minting key's access as of each call */
  scope?: string;
  /** MCP server names the session asks for, within the key's toolsets at each call; absent = the key's */
  toolsets?: string[];
};

/**
 * `POST /v1/member-sessions`: exchanges a member assertion, presented with a project API key,
 * for a member session token — an ES256 JWT signed by the gateway (kid header, `typ:
 * tng-mst+jwt`), valid 15 minutes, bound to the project's MCP resource.
 */
export async function mintMemberSession(deps: MintMemberSessionDeps, principal: Principal, assertion: string): Promise<{ ok: true; session: MintedMemberSession } | MemberAssertionFailure> {
  if (principal.kind !== "api_key" || !principal.keyId) throw new Error("member sessions are minted with a project API key");
  const verified = await verifyMemberAssertion(deps, { projectId: principal.projectId, issuer: deps.issuer, assertion, keyScopes: principal.scopes });
  if (!verified.ok) return verified;
  const member = verified.assertion;

  const signing = await deps.gatewayKeys.signingKey();
  const now = Math.floor((deps.now?.() ?? Date.now()) / 1000);
  const exp = now + MEMBER_SESSION_TTL_SECONDS;
  const claims: MemberSessionClaims = {
    pid: principal.projectId,
    api_key_id: principal.keyId,
    mak: member.memberAssertionKeyId,
    ...(member.email ? { email: member.email } : {}),
    ...(member.name ? { name: member.name } : {}),
    ...(member.roles ? { roles: member.roles } : {}),
    ...(member.narrowed ? { scope: (member.scopes ?? []).join(" ") } : {}),
    ...(member.toolsets ? { toolsets: member.toolsets } : {}),
  };
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: MEMBER_SESSION_TYP })
    .setIssuer(deps.issuer)
    .setAudience(projectResource(deps.issuer, principal.projectSlug))
    .setSubject(member.memberId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(signing.privateKey);
  const key = await deps.db.apiKey.findFirst({ where: { id: principal.keyId, projectId: principal.projectId }, select: { toolsets: true } });
  const toolsets = narrowToolsets(member.toolsets, key?.toolsets ?? []);
  return { ok: true, session: { token: MEMBER_SESSION_PREFIX + jwt, expiresAt: new Date(exp * 1000), memberId: member.memberId, scopes: member.scopes, toolsets } };
}
