import { errors, jwtVerify } from "jose";
import { z } from "zod";
import type { HotQueries } from "@tengine/db";
import type { AuthFailure } from "../keys/authenticate-api-key.ts";
import type { Principal } from "../principal/principal.ts";
import { type ProjectConfig, projectConfigFromRow } from "../projects/project-config.ts";
import { narrowScopes } from "../scopes/narrow-scopes.ts";
import { GATEWAY_KEY_ALG, type GatewayKeys } from "./gateway-keys.ts";
import { MEMBER_SESSION_PREFIX, MEMBER_SESSION_TYP, projectResource, slugFromResource } from "./member-session-token.ts";

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
});

/** Clock skew tolerated on the gateway's own tokens: replicas share one clock source, roughly. */
const SKEW_SECONDS = 5;

/**
 * Verifies a `tng_mst_…` member session token (DESIGN §7 step 1, §11): the gateway's ES256
 * signature (kid → cached public key), `typ`, `iss`, and `aud` — at `/p/{slug}/mcp` it must be
 * that project's MCP URL (another project's token is refused), at `/mcp` the project comes
 * from `aud`. Then ONE prepared query reads the minting API key and its project: a revoked or
 * expired key, or a member-assertion key rotated since minting, ends the session at once on
 * every replica. Scopes are the token's (narrowed) scopes within the key's current ones.
 */
export async function authenticateMemberSession(deps: AuthenticateMemberSessionDeps, token: string, slug?: string): Promise<{ ok: true; principal: Principal; project: ProjectConfig } | AuthFailure> {
  if (!token.startsWith(MEMBER_SESSION_PREFIX)) return { ok: false, reason: "malformed member session token" };
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(
      token.slice(MEMBER_SESSION_PREFIX.length),
      async (header) => {
        const key = typeof header.kid === "string" ? await deps.gatewayKeys.verificationKey(header.kid) : null;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [GATEWAY_KEY_ALG],
        typ: MEMBER_SESSION_TYP,
        issuer: deps.issuer,
        ...(slug !== undefined ? { audience: projectResource(deps.issuer, slug) } : {}),
        requiredClaims: ["sub", "exp", "iat", "jti", "aud"],
        clockTolerance: SKEW_SECONDS,
        ...(deps.now ? { currentDate: new Date(deps.now()) } : {}),
      },
    ));
  } catch (error) {
    return { ok: false, reason: describeJoseError(error) };
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "malformed member session token" };
  const claims = parsed.data;
  const tokenSlug = slugFromResource(deps.issuer, claims.aud);
  if (!tokenSlug) return { ok: false, reason: "malformed member session token: its audience is not a project MCP URL" };

  const row = await deps.hot.findMemberSessionKey(claims.api_key_id);
  if (!row || row.projectId !== claims.pid) return { ok: false, reason: "session revoked: its API key no longer exists" };
  if (row.slug !== tokenSlug) return { ok: false, reason: "session ended: the project's MCP URL changed since it was minted" };
  if (row.revoked) return { ok: false, reason: "session revoked: its API key was revoked" };
  if (row.expired) return { ok: false, reason: "session ended: its API key expired" };
  if (row.memberAssertionKeyId !== claims.mak) return { ok: false, reason: "session ended: the member-assertion key was rotated" };
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
      scopes: narrowScopes(requested, row.scopes.length ? row.scopes : null),
      expiresAt: claims.exp,
    },
  };
}

function describeJoseError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const claim = (error as { claim?: unknown }).claim;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "member session expired: mint a new one";
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "member session token signed by an unknown gateway key";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "member session token signature is invalid";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "member session token algorithm not allowed";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "aud") return "token is for another project";
      if (claim === "iss") return "member session token was issued by another gateway";
      return `malformed member session token ("${String(claim)}")`;
    default:
      return "malformed member session token";
  }
}
