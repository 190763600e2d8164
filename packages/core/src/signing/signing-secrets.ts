import type { Db } from "@tengine/db";
import { generateSigningSecret } from "@tengine/sdk";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";

/** Two active secrets at most: the one in use and its successor during a rotation (DESIGN §9). */
export const MAX_ACTIVE_SIGNING_SECRETS = 2;

/**
 * Creates a signing secret and returns it once. The gateway keeps signing with the older
 * active secret until that one is retired, so the customer can deploy the new secret to their
 * verifier first (see docs/signing.md).
 */
export async function createSigningSecret(db: Db, secretBox: SecretBox, projectId: string) {
  const secret = generateSigningSecret();
  const keyid = newId("signingSecret");
  await db.$transaction(async (tx) => {
    const active = await tx.signingSecret.count({ where: { projectId, retiredAt: null } });
    if (active >= MAX_ACTIVE_SIGNING_SECRETS) {
      throw new AppError("conflict", "this project already has two active signing secrets: retire the older one before creating another");
    }
    await tx.signingSecret.create({ data: { id: keyid, projectId, secretEnc: secretBox.encrypt(secret, secretAd.signingSecret(keyid)) } });
    await bumpConfigVersion(tx, projectId);
  });
  return { keyid, secret };
}

export async function retireSigningSecret(db: Db, projectId: string, keyid: string) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.signingSecret.updateMany({ where: { id: keyid, projectId, retiredAt: null }, data: { retiredAt: new Date() } });
    if (count === 0) throw new AppError("not_found", `active signing secret ${keyid} not found`);
    await bumpConfigVersion(tx, projectId);
    return { keyid, retired: true };
  });
}

export function listSigningSecrets(db: Db, projectId: string) {
  return db.signingSecret.findMany({ where: { projectId }, orderBy: { id: "asc" }, select: { id: true, createdAt: true, retiredAt: true } });
}

/** The key the gateway signs with: the oldest active secret. */
export async function loadSigningKey(db: Db, secretBox: SecretBox, projectId: string): Promise<{ keyid: string; secret: string } | null> {
  const row = await db.signingSecret.findFirst({ where: { projectId, retiredAt: null }, orderBy: { id: "asc" }, select: { id: true, secretEnc: true } });
  return row ? { keyid: row.id, secret: secretBox.decrypt(row.secretEnc, secretAd.signingSecret(row.id)) } : null;
}

/** An active signing secret by keyid (a verifier's lookup, e.g. the demo upstream of npm start). */
export async function findActiveSigningSecret(db: Db, secretBox: SecretBox, keyid: string): Promise<string | undefined> {
  const row = await db.signingSecret.findFirst({ where: { id: keyid, retiredAt: null }, select: { id: true, secretEnc: true } });
  return row ? secretBox.decrypt(row.secretEnc, secretAd.signingSecret(row.id)) : undefined;
}
