import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../prisma/seed.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
const secretBox = new SecretBox(SecretBox.generateKey());

beforeAll(async () => {
  database = await createTestDatabase("seed_demo");
  dataDir = await mkdtemp(path.join(os.tmpdir(), "tengine-seed-"));
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("seedDemo", () => {
  it("imports the demo CRM's OpenAPI document, signs every tool, and re-imports only when the CRM moved", { timeout: 60_000 }, async () => {
    const db = database.db;
    const first = await seedDemo(db, secretBox, { dataDir, demoCrmUrl: "http://127.0.0.1:4010" });
    const project = await db.project.findUniqueOrThrow({ where: { slug: first.projectSlug } });
    const tools = await db.tool.findMany({ where: { projectId: project.id }, orderBy: { name: "asc" } });
    expect(tools.map((t) => t.name)).toEqual(["add_contact_note", "create_company", "create_contact", "delete_contact", "get_company", "get_contact", "list_companies", "search_contacts", "update_contact"]);
    expect(tools.every((t) => t.source === "openapi" && t.authType === "hmac" && t.url.startsWith("http://127.0.0.1:4010/"))).toBe(true);
    expect(tools.find((t) => t.name === "search_contacts")).toMatchObject({ operationId: "searchContacts", requiredScopes: ["contacts:read"], query: { q: "{{input.query.q}}", companyId: "{{input.query.companyId}}", limit: "{{input.query.limit}}" } });
    expect(await db.toolImport.count({ where: { projectId: project.id } })).toBe(1);

    // OAuth policy: Claude Code's --callback-port 3118 redirect, a ceiling of the tools' scopes.
    const requiredScopes = [...new Set(tools.flatMap((t) => t.requiredScopes))].sort();
    expect(requiredScopes).toEqual(["companies:read", "companies:write", "contacts:read", "contacts:write"]);
    expect(project).toMatchObject({ mcpEnabled: true, oauthRedirectUris: ["http://localhost:3118/callback"], oauthClientIds: [], oauthScopes: requiredScopes });
    expect(await db.auditLog.count({ where: { projectId: project.id, action: "oauth_policy.update", actorEmail: "demo seed" } })).toBe(1);

    // A restart on the same port changes nothing.
    const version = project.configVersion;
    expect(await seedDemo(db, secretBox, { dataDir, demoCrmUrl: "http://127.0.0.1:4010" })).toEqual(first);
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).configVersion).toBe(version);
    expect(await db.toolImport.count({ where: { projectId: project.id } })).toBe(1);

    // On another port the tools follow, and keep their signing auth.
    const moved = await seedDemo(db, secretBox, { dataDir, demoCrmUrl: "http://127.0.0.1:4999" });
    expect(moved).toEqual({ ...first, demoCrmUrl: "http://127.0.0.1:4999" });
    const after = await db.tool.findMany({ where: { projectId: project.id } });
    expect(after).toHaveLength(9);
    expect(after.every((t) => t.authType === "hmac" && t.url.startsWith("http://127.0.0.1:4999/"))).toBe(true);

    // An admin's policy change survives restarts: the seed sets the policy only once.
    await db.project.update({ where: { id: project.id }, data: { oauthRedirectUris: [] } });
    await db.auditLog.create({ data: { id: "aud_test_policy", orgId: project.orgId, projectId: project.id, actorEmail: "admin", action: "oauth_policy.update" } });
    await seedDemo(db, secretBox, { dataDir, demoCrmUrl: "http://127.0.0.1:4999" });
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).oauthRedirectUris).toEqual([]);
  });
});
