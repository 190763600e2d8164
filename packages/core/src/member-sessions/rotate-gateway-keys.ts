import type { Db } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { createKeyMaterial, GATEWAY_KEY_REFRESH_MS, SIGNING_ORDER } from "./gateway-keys.ts";

export type GatewayKeyView = { kid: string; alg: string; createdAt: Date; retiredAt: Date | null; signing: boolean };

/** The gateway's signing keys, newest first; `signing` marks the one new tokens use. */
export async function listGatewayKeys(db: Db): Promise<GatewayKeyView[]> {
  const rows = await db.gatewayKey.findMany({ orderBy: SIGNING_ORDER, select: { id: true, alg: true, createdAt: true, retiredAt: true } });
  const signing = rows.find((r) => r.retiredAt === null)?.id;
  return rows.map((r) => ({ kid: r.id, alg: r.alg, createdAt: r.createdAt, retiredAt: r.retiredAt, signing: r.id === signing }));
}

/**
 * Step 1 of a rotation: adds a new ES256 key. It is published in the JWKS at once and signs
 * new tokens (member sessions, OAuth access tokens) on every replica within
 * GATEWAY_KEY_REFRESH_MS; tokens signed by the older keys keep verifying until those are retired.
 */
export async function rotateGatewayKey(db: Db, secretBox: SecretBox): Promise<{ kid: string; refreshMs: number }> {
  const fresh = await createKeyMaterial(secretBox);
  await db.gatewayKey.create({ data: fresh });
  return { kid: fresh.id, refreshMs: GATEWAY_KEY_REFRESH_MS };
}

/**
 * Step 2, once the older key's tokens have expired (15 minutes after the new key took over):
 * retires it. JWKS drops it and tokens signed by it stop verifying on every replica within
 * GATEWAY_KEY_REFRESH_MS. The key that signs now cannot be retired: rotate first, so there is
 * always a key to sign with and no replica creates one on its own.
 */
export async function retireGatewayKey(db: Db, kid: string, now: Date = new Date()): Promise<{ kid: string; retiredAt: Date }> {
  return db.$transaction(async (tx) => {
    const key = await tx.gatewayKey.findUnique({ where: { id: kid }, select: { id: true, retiredAt: true } });
    if (!key) throw new AppError("not_found", `gateway key ${kid} not found`);
    if (key.retiredAt) return { kid, retiredAt: key.retiredAt };
    const signing = await tx.gatewayKey.findFirst({ where: { retiredAt: null }, orderBy: SIGNING_ORDER, select: { id: true } });
    if (signing?.id === kid) throw new AppError("conflict", `gateway key ${kid} signs new tokens: run \`tengine gateway-keys rotate\` first, then retire it once its tokens have expired`);
    await tx.gatewayKey.update({ where: { id: kid }, data: { retiredAt: now } });
    return { kid, retiredAt: now };
  });
}
