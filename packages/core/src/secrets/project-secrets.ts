import { type Db, Prisma } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { parseTemplateString, referencesOf } from "../templates/parse-template-string.ts";

/** Same alphabet as `{{secrets.NAME}}` in templates. */
export const SECRET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
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

/**
 * The project's secrets for the secrets screen and `tengine secrets list`: names and when they
 * were set (never values), each with the tools whose header templates use it.
 */
export async function listProjectSecrets(db: Db, projectId: string): Promise<{ name: string; createdAt: Date; updatedAt: Date; usedBy: string[] }[]> {
  const [secrets, usage] = await Promise.all([
    db.secret.findMany({ where: { projectId }, select: { name: true, createdAt: true, updatedAt: true }, orderBy: { name: "asc" } }),
    secretUsage(db, projectId),
  ]);
  return secrets.map((secret) => ({ ...secret, usedBy: usage.get(secret.name) ?? [] }));
}

/**
 * Deletes a project secret. One that a tool's headers still use is refused (naming the tools):
 * every call of those tools would fail until it is set again.
 */
export async function deleteProjectSecret(db: Db, projectId: string, name: string): Promise<{ name: string }> {
  const usedBy = (await secretUsage(db, projectId)).get(name) ?? [];
  if (usedBy.length) throw new AppError("conflict", `secret ${name} is used by ${usedBy.join(", ")}: remove {{secrets.${name}}} from ${usedBy.length === 1 ? "that tool" : "those tools"} first`);
  await db.$transaction(async (tx) => {
    const { count } = await tx.secret.deleteMany({ where: { projectId, name } });
    if (count === 0) throw new AppError("not_found", `no secret named ${name} in this project`);
    await bumpConfigVersion(tx, projectId);
  });
  return { name };
}

/** secret name → the tools (by name) whose header templates reference it. */
async function secretUsage(db: Db, projectId: string): Promise<Map<string, string[]>> {
  const tools = await db.tool.findMany({ where: { projectId, NOT: { headers: { equals: Prisma.DbNull } } }, select: { name: true, headers: true }, orderBy: { name: "asc" } });
  const usage = new Map<string, string[]>();
  for (const tool of tools) {
    const names = new Set<string>();
    for (const [header, value] of Object.entries((tool.headers ?? {}) as Record<string, unknown>)) {
      if (typeof value !== "string") continue;
      try {
        for (const ref of referencesOf(parseTemplateString(value, `headers.${header}`))) if (ref.ns === "secrets") names.add(ref.name);
      } catch {
        // a stored template always parsed when it was saved; nothing to report here
      }
    }
    for (const name of names) usage.set(name, [...(usage.get(name) ?? []), tool.name]);
  }
  return usage;
}
