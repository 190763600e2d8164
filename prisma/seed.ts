import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createApiKey, createOrganization, createProject, createSigningSecret, createTool, hashPassword, newId, type SecretBox } from "@tengine/core";
import type { Db } from "@tengine/db";
import { demoCrmTools } from "@tengine/demo-crm";

export type DemoCredentials = { adminEmail: string; adminPassword: string; projectSlug: string; apiKey: string; keyid: string; signingSecret: string; demoCrmUrl: string };

/**
 * The demo data `npm start` needs (DESIGN §13): an admin, a workspace, and a "demo" project
 * whose tools call the demo CRM, with an API key and a signing secret. Runs once; later starts
 * read the credentials back from `.data/demo-credentials.json` (a local-development file,
 * owner-readable only) so the same key is printed every time.
 */
export async function seedDemo(db: Db, secretBox: SecretBox, options: { dataDir: string; demoCrmUrl: string }): Promise<DemoCredentials> {
  const file = path.join(options.dataDir, "demo-credentials.json");
  const existing = await db.project.findUnique({ where: { slug: "demo" }, select: { id: true } });
  if (existing && existsSync(file)) {
    const saved = JSON.parse(await readFile(file, "utf8")) as DemoCredentials;
    if (saved.demoCrmUrl && saved.demoCrmUrl !== options.demoCrmUrl) {
      await moveDemoTools(db, existing.id, saved.demoCrmUrl, options.demoCrmUrl);
      saved.demoCrmUrl = options.demoCrmUrl;
      await writeFile(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
    }
    return saved;
  }

  const adminEmail = "admin@tengine.local";
  const adminPassword = `tengine-${newId("user").slice(-8)}`;
  const org = (await db.organization.findUnique({ where: { slug: "demo-workspace" } })) ?? (await createOrganization(db, { name: "Demo workspace" }));
  const user = await db.user.upsert({
    where: { email: adminEmail },
    create: { id: newId("user"), email: adminEmail, name: "Demo admin", passwordHash: await hashPassword(adminPassword) },
    update: { passwordHash: await hashPassword(adminPassword) },
  });
  await db.membership.upsert({
    where: { orgId_userId: { orgId: org.id, userId: user.id } },
    create: { id: newId("membership"), orgId: org.id, userId: user.id, role: "owner" },
    update: {},
  });
  const project = existing ?? (await createProject(db, { orgId: org.id, name: "Demo CRM", slug: "demo", allowHttpUpstreams: true }));
  if (!existing) {
    for (const tool of demoCrmTools(options.demoCrmUrl)) await createTool(db, secretBox, project.id, tool as never);
  }
  // Credentials are regenerated when the local file was lost: old key revoked, new one printed.
  await db.apiKey.updateMany({ where: { projectId: project.id, name: "Demo key", revokedAt: null }, data: { revokedAt: new Date() } });
  await db.signingSecret.updateMany({ where: { projectId: project.id, retiredAt: null }, data: { retiredAt: new Date() } });
  const key = await createApiKey(db, project.id, { name: "Demo key" });
  const signing = await createSigningSecret(db, secretBox, project.id);
  const credentials: DemoCredentials = { adminEmail, adminPassword, projectSlug: project.slug, apiKey: key.key, keyid: signing.keyid, signingSecret: signing.secret, demoCrmUrl: options.demoCrmUrl };
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

/** The demo CRM came up on another port (DEMO_CRM_PORT changed): point the demo tools at it. */
async function moveDemoTools(db: Db, projectId: string, from: string, to: string) {
  const tools = await db.tool.findMany({ where: { projectId, url: { startsWith: from } }, select: { id: true, url: true } });
  await db.$transaction([
    ...tools.map((t) => db.tool.update({ where: { id: t.id }, data: { url: to + t.url.slice(from.length) } })),
    db.project.update({ where: { id: projectId }, data: { configVersion: { increment: 1 } } }),
  ]);
}
