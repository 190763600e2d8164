import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { applyOpenApiImport, createApiKey, createOrganization, createProject, createSigningSecret, hashPassword, newId, planOpenApiImport, type SecretBox, setOAuthPolicy } from "@tengine/core";
import type { Db } from "@tengine/db";
import { buildOpenApiDocument } from "@tengine/demo-crm";

export type DemoCredentials = { adminEmail: string; adminPassword: string; projectSlug: string; apiKey: string; keyid: string; signingSecret: string; demoCrmUrl: string };

/**
 * The demo data `npm start` needs (DESIGN §13): an admin, a workspace, and a "demo" project
 * whose tools are imported from the demo CRM's OpenAPI document (DESIGN §12), with an API key
 * and a signing secret. Runs once; later starts read the credentials back from
 * `.data/demo-credentials.json` (a local-development file, owner-readable only) so the same
 * key is printed every time, and re-import the document when it or the CRM's URL changed.
 */
export async function seedDemo(db: Db, secretBox: SecretBox, options: { dataDir: string; demoCrmUrl: string }): Promise<DemoCredentials> {
  const file = path.join(options.dataDir, "demo-credentials.json");
  const existing = await db.project.findUnique({ where: { slug: "demo" }, select: { id: true, slug: true } });
  if (existing && existsSync(file)) {
    const saved = JSON.parse(await readFile(file, "utf8")) as DemoCredentials;
    // The demo CRM came up on another port (DEMO_CRM_PORT changed), or its document changed:
    // re-import (the tools' signing auth, set below, is an admin override and stays).
    await importDemoTools(db, secretBox, existing.id, options.demoCrmUrl, saved.demoCrmUrl);
    await seedDemoOAuthPolicy(db, existing.id);
    if (saved.demoCrmUrl !== options.demoCrmUrl) {
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
  await importDemoTools(db, secretBox, project.id, options.demoCrmUrl);
  await seedDemoOAuthPolicy(db, project.id);
  // Credentials are regenerated when the local file was lost: old key revoked, new one printed.
  await db.apiKey.updateMany({ where: { projectId: project.id, name: "Demo key", revokedAt: null }, data: { revokedAt: new Date() } });
  await db.signingSecret.updateMany({ where: { projectId: project.id, retiredAt: null }, data: { retiredAt: new Date() } });
  const key = await createApiKey(db, project.id, { name: "Demo key" });
  const signing = await createSigningSecret(db, secretBox, project.id);
  const credentials: DemoCredentials = { adminEmail, adminPassword, projectSlug: project.slug, apiKey: key.key, keyid: signing.keyid, signingSecret: signing.secret, demoCrmUrl: options.demoCrmUrl };
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

/** Claude Code's redirect URI with `claude mcp add --transport http --callback-port 3118 …`. */
export const DEMO_REDIRECT_URI = "http://localhost:3118/callback";

/**
 * The demo project's OAuth policy (DESIGN §11): MCP enabled, Claude Code's loopback redirect
 * URI allowed, any client, and a ceiling of exactly the scopes its tools require, so a user
 * who connects Claude Code can approve everything the demo does. Set once: a project whose
 * policy was ever changed (the audit log has `oauth_policy.update`) keeps the admin's choice.
 */
async function seedDemoOAuthPolicy(db: Db, projectId: string) {
  if (await db.auditLog.count({ where: { projectId, action: "oauth_policy.update" } })) return;
  const tools = await db.tool.findMany({ where: { projectId }, select: { requiredScopes: true } });
  const scopes = [...new Set(tools.flatMap((t) => t.requiredScopes))].sort();
  await setOAuthPolicy(db, { projectId, actor: { email: "demo seed" }, mcpEnabled: true, redirectUris: [DEMO_REDIRECT_URI], scopes });
}

/**
 * Imports the demo CRM's OpenAPI document (what it serves at `/openapi.json`) into the demo
 * project, when that changes anything. The demo CRM requires RFC 9421 signatures, so every
 * newly imported tool gets `auth: { type: "hmac" }` — set after the import, as an admin would;
 * re-imports keep it.
 */
async function importDemoTools(db: Db, secretBox: SecretBox, projectId: string, demoCrmUrl: string, previousUrl?: string) {
  const base = demoCrmUrl.replace(/\/+$/, "");
  const input = { document: buildOpenApiDocument(base), sourceKind: "url" as const, sourceName: `${base}/openapi.json` };
  let plan = await planOpenApiImport(db, projectId, input);
  if (plan.added.length > 0 && !(await db.tool.count({ where: { projectId, source: "openapi" } }))) {
    // A demo project from before the tools were imported holds hand-written tools of the
    // same names, calling the demo CRM: replace them.
    const bases = [...new Set([base, previousUrl?.replace(/\/+$/, "")].filter((b): b is string => !!b))];
    const { count } = await db.tool.deleteMany({
      where: { projectId, source: "manual", name: { in: plan.added.map((t) => t.name.replace(/_\d+$/, "")) }, OR: bases.map((b) => ({ url: { startsWith: `${b}/` } })) },
    });
    if (count > 0) plan = await planOpenApiImport(db, projectId, input);
  }
  if (plan.added.length + plan.changed.length + plan.removed.length === 0) return;
  await applyOpenApiImport(db, secretBox, projectId, plan, { actor: { email: "demo seed" }, sourceKind: input.sourceKind, sourceName: input.sourceName });
  if (plan.added.length > 0) {
    await db.$transaction([
      db.tool.updateMany({ where: { projectId, source: "openapi", name: { in: plan.added.map((t) => t.name) } }, data: { authType: "hmac", authConfig: {}, authSecretEnc: null } }),
      db.project.update({ where: { id: projectId }, data: { configVersion: { increment: 1 } } }),
    ]);
  }
}
