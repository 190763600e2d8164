import { z } from "zod";
import type { HotQueries } from "@tengine/db";
import { checkCredential, type CredentialState, type PrincipalDenialCode } from "../execution/authorize-principal.ts";
import type { AuthFailure } from "../keys/authenticate-api-key.ts";
import type { Principal } from "../principal/principal.ts";
import { type ProjectConfig, projectConfigFromRow } from "../projects/project-config.ts";
import { narrowScopes } from "../scopes/narrow-scopes.ts";
import type { GatewayKeys } from "./gateway-keys.ts";
import { MEMBER_SESSION_PREFIX, MEMBER_SESSION_TYP, slugFromResource } from "./member-session-token.ts";
import { type TokenFailureMessages, verifyGatewayToken } from "./verify-gateway-token.ts";

export type AuthenticateMemberSessionDeps = {
  hot: HotQueries;
  gatewayKeys: GatewayKeys;
  /** the gateway issuer (PUBLIC_GATEWAY_URL, no trailing slash) */
  issuer: string;
  /** clock in milliseconds, for tests */
  now?: () => number;
};

const claimsSchema = z.object({
  sub: z.string().min(1),
  aud: z.string(),
  exp: z.number(),
  pid: z.string().min(1),
  api_key_id: z.string().min(1),
  mak: z.string().min(1),
  email: z.string().optional(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
  scope: z.string().optional(),
  toolsets: z.array(z.string()).optional(),
});

const MEMBER_SESSION_FAILURES: TokenFailureMessages = {
  expired: "member session expired: mint a new one",
  unknownKey: "member session token signed by an unknown gateway key",
  signature: "member session token signature is invalid",
  algorithm: "member session token algorithm not allowed",
  audience: "token is for another project",
  issuer: "member session token was issued by another gateway",
  claim: (claim) => `malformed member session token ("${claim}")`,
  malformed: "malformed member session token",
};

/**
 * Verifies a `tng_mst_…` member session token (DESIGN §7 step 1, §11): the gateway's ES256
 * signature (kid → cached public key), `typ`, `iss`, and `aud` — at `/p/{slug}/mcp` it must be
 * that project's MCP URL (another project's token is refused), at `/mcp` the project comes
 * from `aud`. Then ONE prepared query reads the minting API key and its project: a revoked or
 * expired key, or a member-assertion key rotated since minting, ends the session at once on
 * every replica. Scopes are the token's (narrowed) scopes within the key's current ones.
 */
export async function authenticateMemberSession(deps: AuthenticateMemberSessionDeps, token: string, slug?: string): Promise<{ ok: true; principal: Principal; project: ProjectConfig; credential: CredentialState } | AuthFailure> {
  if (!token.startsWith(MEMBER_SESSION_PREFIX)) return { ok: false, reason: "malformed member session token" };
  const verified = await verifyGatewayToken(deps, token.slice(MEMBER_SESSION_PREFIX.length), {
    typ: MEMBER_SESSION_TYP,
    slug,
    requiredClaims: ["sub", "exp", "iat", "jti", "aud"],
    messages: MEMBER_SESSION_FAILURES,
  });
  if (!verified.ok) return verified;
  const parsed = claimsSchema.safeParse(verified.payload);
  if (!parsed.success) return { ok: false, reason: "malformed member session token" };
  const claims = parsed.data;
  const tokenSlug = slugFromResource(deps.issuer, claims.aud);
  if (!tokenSlug) return { ok: false, reason: "malformed member session token: its audience is not a project MCP URL" };

  const row = await deps.hot.findMemberSessionKey(claims.api_key_id, deps.now ? new Date(deps.now()) : undefined);
  if (!row || row.projectId !== claims.pid) return { ok: false, reason: "session revoked: its API key no longer exists" };
  if (row.slug !== tokenSlug) return { ok: false, reason: "session ended: the project's MCP URL changed since it was minted" };
  const checked = checkCredential({ kind: "member", key: row, memberAssertionKeyId: claims.mak });
  if (!checked.ok) return { ok: false, reason: MEMBER_SESSION_ENDED[checked.code] ?? "session revoked" };
  if (row.touchDue) void deps.hot.touchApiKey(row.id).catch(() => {});

  const requested = claims.scope === undefined ? undefined : claims.scope.split(" ").filter(Boolean);
  const member = {
    id: claims.sub,
    ...(claims.email ? { email: claims.email } : {}),
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.roles ? { roles: claims.roles } : {}),
  };
  return {
    ok: true,
    project: projectConfigFromRow(row),
    principal: {
      projectId: row.projectId,
      projectSlug: row.slug,
      kind: "member",
      keyId: row.id,
      memberId: claims.sub,
      member,
      memberAssertionKeyId: claims.mak,
      scopes: narrowScopes(requested, row.scopes.length ? row.scopes : null),
      ...(claims.toolsets ? { toolsets: claims.toolsets } : {}),
      expiresAt: claims.exp,
    },
    credential: { kind: "member", key: row, memberAssertionKeyId: claims.mak },
  };
}

const MEMBER_SESSION_ENDED: Partial<Record<PrincipalDenialCode, string>> = {
  api_key_unknown: "session revoked: its API key no longer exists",
  api_key_revoked: "session revoked: its API key was revoked",
  api_key_expired: "session ended: its API key expired",
  member_assertion_key_changed: "session ended: the member-assertion key was rotated",
};
