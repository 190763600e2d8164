import type { Db } from "@tengine/db";

export type OAuthCleanupResult = { authorizationRequests: number; codes: number; refreshTokens: number };

/**
 * Removes OAuth rows that can never be used again:
 * - authorization requests past their expiry (decided or not: the consent page refuses them);
 * - authorization codes past their expiry. A used code is kept until then on purpose: a
 *   second redemption while the code would still be valid must find it to revoke the grant
 *   (RFC 6749 §4.1.2); after expiry a replay is refused as unknown either way;
 * - refresh tokens past their expiry (rotated and revoked ones included: the chain check only
 *   matters while a token could still be presented).
 */
export async function deleteExpiredOAuthRows(db: Db, now = new Date()): Promise<OAuthCleanupResult> {
  const [authorizationRequests, codes, refreshTokens] = await Promise.all([
    db.oAuthAuthorizationRequest.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.oAuthCode.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.oAuthRefreshToken.deleteMany({ where: { expiresAt: { lt: now } } }),
  ]);
  return { authorizationRequests: authorizationRequests.count, codes: codes.count, refreshTokens: refreshTokens.count };
}
