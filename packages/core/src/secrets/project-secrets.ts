import type { Db } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";

/** Same alphabet as `{{secrets.NAME}}` in templates. */
const SECRET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Redaction finds secrets by value; values this short would be unsafe to search for. */
export const MIN_SECRET_LENGTH = 8;

/** Sets a project secret used by header templates as {{secrets.NAME}}; stored encrypted. */
export async function setProjectSecret(db: Db, secretBox: SecretBox, projectId: string, name: string, value: string) {
  if (!SECRET_NAME.test(name)) throw new AppError("bad_request", "secret name must be 1 to 64 letters, digits, dashes or underscores");
  if (value.length < MIN_SECRET_LENGTH) throw new AppError("bad_request", `secret value must be at least ${MIN_SECRET_LENGTH} characters`);
  const valueEnc = secretBox.encrypt(value, secretAd.projectSecret(projectId, name));
  await db.$transaction(async (tx) => {
    await tx.secret.upsert({
      where: { projectId_name: { projectId, name } },
      create: { id: newId("secret"), projectId, name, valueEnc },
      update: { valueEnc },
    });
    await bumpConfigVersion(tx, projectId);
  });
  return { name };
}

export async function listProjectSecretNames(db: Db, projectId: string) {
  return db.secret.findMany({ where: { projectId }, select: { name: true, updatedAt: true }, orderBy: { name: "asc" } });
}

export async function loadProjectSecrets(db: Db, secretBox: SecretBox, projectId: string): Promise<Record<string, string>> {
  const rows = await db.secret.findMany({ where: { projectId }, select: { name: true, valueEnc: true } });
  return Object.fromEntries(rows.map((r) => [r.name, secretBox.decrypt(r.valueEnc, secretAd.projectSecret(projectId, r.name))]));
}
