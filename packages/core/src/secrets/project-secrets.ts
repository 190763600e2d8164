import type { Db } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Sets a project secret used by header templates as {{secrets.NAME}}; stored encrypted. */
export async function setProjectSecret(db: Db, secretBox: SecretBox, projectId: string, name: string, value: string) {
  if (!SECRET_NAME.test(name)) throw new AppError("bad_request", "secret name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$");
  if (!value) throw new AppError("bad_request", "secret value must not be empty");
  const valueEnc = secretBox.encrypt(value);
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
  return Object.fromEntries(rows.map((r) => [r.name, secretBox.decrypt(r.valueEnc)]));
}
