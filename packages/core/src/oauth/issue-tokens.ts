import { randomBytes } from "node:crypto";
import type { Db, Prisma } from "@tengine/db";
import { sha256Hex } from "../crypto/hash.ts";
import { newId } from "../ids/new-id.ts";
import type { GatewayKeys } from "../member-sessions/gateway-keys.ts";
import { mintAccessToken } from "./mint-access-token.ts";
import { REFRESH_TOKEN_TTL_SECONDS } from "./oauth-lifetimes.ts";

/** What the token and revocation endpoints need. `now` is injectable so tests move time. */
export type OAuthServerDeps = {
  db: Db;
  gatewayKeys: GatewayKeys;
  /** PUBLIC_GATEWAY_URL, no trailing slash */
  issuer: string;
  /** clock in milliseconds */
  now?: () => number;
};

/** RFC 6749 §5.1 successful token response. */
export type TokenResponse = {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token?: string;
  scope: string;
};

/** Opaque refresh tokens: `tng_rt_` + 32 random bytes, base64url; only their SHA-256 is stored. */
export const REFRESH_TOKEN_PREFIX = "tng_rt_";

export function newRefreshToken(): { token: string; hash: string } {
  const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: sha256Hex(token) };
}

export async function createRefreshToken(
  tx: Db | Prisma.TransactionClient,
  input: { connectionId: string; projectId: string; clientId: string; scopes: string[]; parentId: string | null; nowMs: number },
): Promise<string> {
  const { token, hash } = newRefreshToken();
  await tx.oAuthRefreshToken.create({
    data: {
      id: newId("refreshToken", input.nowMs),
      tokenHash: hash,
      connectionId: input.connectionId,
      projectId: input.projectId,
      clientId: input.clientId,
      scopes: input.scopes,
      parentId: input.parentId,
      createdAt: new Date(input.nowMs),
      expiresAt: new Date(input.nowMs + REFRESH_TOKEN_TTL_SECONDS * 1000),
    },
  });
  return token;
}

export async function tokenResponse(
  deps: Pick<OAuthServerDeps, "gatewayKeys" | "issuer">,
  input: { resource: string; userId: string; clientId: string; connectionId: string; scopes: string[]; refreshToken: string | undefined; nowMs: number },
): Promise<TokenResponse> {
  const access = await mintAccessToken(deps, input);
  return {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    ...(input.refreshToken ? { refresh_token: input.refreshToken } : {}),
    scope: input.scopes.join(" "),
  };
}
