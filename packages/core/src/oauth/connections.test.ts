import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../crypto/hash.ts";
import { newId } from "../ids/new-id.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { listConnections } from "./list-connections.ts";
import { revokeConnection } from "./revoke-connection.ts";

// Two organizations: Acme (project "acme-crm" and "acme-billing") and Globex (project
// "globex"). Alice is Acme's admin, Bob an Acme member, Gina Globex's admin.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const users: Record<"alice" | "bob" | "gina", { id: string; email: string }> = {} as never;
const projects: Record<"crm" | "billing" | "globex", string> = {} as never;
const clientId = newId("client");
const as = (user: { id: string; email: string }) => ({ userId: user.id, email: user.email });

async function connect(projectId: string, userId: string, scopes = ["contacts:read"]) {
  const id = newId("connection");
  await database.db.oAuthConnection.create({ data: { id, projectId, userId, clientId, scopes } });
  for (let i = 0; i < 2; i++) {
    await database.db.oAuthRefreshToken.create({
      data: { id: newId("connection"), tokenHash: sha256Hex(`${id}-${i}`), connectionId: id, projectId, clientId, scopes, expiresAt: new Date(Date.now() + 86_400_000), rotatedAt: i === 0 ? new Date() : null },
    });
  }
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase("oauth_connections");
  const db = database.db;
  const acme = await createOrganization(db, { name: "Acme" });
  const globex = await createOrganization(db, { name: "Globex" });
  projects.crm = (await createProject(db, { orgId: acme.id, name: "Acme CRM" })).id;
  projects.billing = (await createProject(db, { orgId: acme.id, name: "Acme Billing" })).id;
  projects.globex = (await createProject(db, { orgId: globex.id, name: "Globex" })).id;
  for (const [name, org, role] of [["alice", acme.id, "admin"], ["bob", acme.id, "member"], ["gina", globex.id, "admin"]] as const) {
    const user = await db.user.create({ data: { id: newId("user"), email: `${name}@example.com`, name } });
    await db.membership.create({ data: { id: newId("membership"), orgId: org, userId: user.id, role } });
    users[name] = { id: user.id, email: user.email };
  }
  await db.oAuthClient.create({ data: { id: clientId, name: "Claude Code", redirectUris: ["http://localhost:3118/callback"] } });
});
afterAll(() => database?.drop());

describe("listConnections", () => {
  it("lists a project's connections for admins and a user's own across projects, newest first, with the client name", async () => {
    const bobCrm = await connect(projects.crm, users.bob.id, ["contacts:read", "contacts:write"]);
    const aliceCrm = await connect(projects.crm, users.alice.id);
    const bobBilling = await connect(projects.billing, users.bob.id);
    await database.db.oAuthConnection.update({ where: { id: bobCrm }, data: { lastUsedAt: new Date("2026-01-02T03:04:05Z") } });

    const crm = await listConnections(database.db, { projectId: projects.crm });
    expect(crm.map((c) => c.id)).toEqual([aliceCrm, bobCrm]);
    expect(crm[1]).toMatchObject({
      id: bobCrm,
      project: { id: projects.crm, slug: "acme-crm", name: "Acme CRM" },
      user: { id: users.bob.id, email: "bob@example.com", name: "bob" },
      client: { id: clientId, name: "Claude Code" },
      scopes: ["contacts:read", "contacts:write"],
      lastUsedAt: new Date("2026-01-02T03:04:05Z"),
      revokedAt: null,
      status: "active",
    });

    const bobs = await listConnections(database.db, { userId: users.bob.id });
    expect(bobs.map((c) => [c.id, c.project.slug])).toEqual([[bobBilling, "acme-billing"], [bobCrm, "acme-crm"]]);
    expect((await listConnections(database.db, { projectId: projects.billing, userId: users.bob.id })).map((c) => c.id)).toEqual([bobBilling]);
    expect(await listConnections(database.db, { projectId: projects.globex })).toEqual([]);
    await expect(listConnections(database.db, {})).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("revokeConnection", () => {
  it("lets a user revoke their own connection, ending its refresh tokens, and audits it", async () => {
    const id = await connect(projects.crm, users.bob.id);
    const result = await revokeConnection(database.db, { projectId: projects.crm, connectionId: id, actor: as(users.bob), reason: "user" });
    expect(result).toMatchObject({ id, userId: users.bob.id, revokedReason: "user", alreadyRevoked: false });
    const row = await database.db.oAuthConnection.findUniqueOrThrow({ where: { id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedReason).toBe("user");
    const tokens = await database.db.oAuthRefreshToken.findMany({ where: { connectionId: id } });
    expect(tokens).toHaveLength(2);
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);
    const audit = await database.db.auditLog.findFirstOrThrow({ where: { action: "oauth_connection.revoke", targetId: id } });
    expect(audit).toMatchObject({ projectId: projects.crm, actorUserId: users.bob.id });
    expect(audit.details).toMatchObject({ reason: "user", userId: users.bob.id, clientId });
    const [listed] = await listConnections(database.db, { userId: users.bob.id });
    expect(listed).toMatchObject({ id, status: "revoked", revokedReason: "user" });

    // Again: harmless, keeps the first revocation, no second audit entry.
    const again = await revokeConnection(database.db, { projectId: projects.crm, connectionId: id, actor: as(users.bob), reason: "user" });
    expect(again).toMatchObject({ alreadyRevoked: true, revokedReason: "user", revokedAt: row.revokedAt });
    expect(await database.db.auditLog.count({ where: { action: "oauth_connection.revoke", targetId: id } })).toBe(1);
  });

  it("does not let a user revoke someone else's connection, not even an admin acting as a user", async () => {
    const id = await connect(projects.crm, users.alice.id);
    await expect(revokeConnection(database.db, { projectId: projects.crm, connectionId: id, actor: as(users.bob), reason: "user" })).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeConnection(database.db, { projectId: projects.crm, connectionId: id, actor: as(users.bob), reason: "admin" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await database.db.oAuthConnection.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
  });

  it("lets an admin revoke any connection of the project", async () => {
    const id = await connect(projects.crm, users.bob.id);
    const result = await revokeConnection(database.db, { projectId: projects.crm, connectionId: id, actor: as(users.alice), reason: "admin" });
    expect(result).toMatchObject({ revokedReason: "admin", alreadyRevoked: false });
    expect(await database.db.oAuthRefreshToken.count({ where: { connectionId: id, revokedAt: null } })).toBe(0);
    const audit = await database.db.auditLog.findFirstOrThrow({ where: { action: "oauth_connection.revoke", targetId: id } });
    expect(audit).toMatchObject({ actorUserId: users.alice.id, details: expect.objectContaining({ reason: "admin", userId: users.bob.id }) });
  });

  it("never lets one project's admin touch another project's connections", async () => {
    const acmeConn = await connect(projects.crm, users.bob.id);
    const globexConn = await connect(projects.globex, users.gina.id);
    // Gina (Globex admin) names her own project but Acme's connection: not found.
    await expect(revokeConnection(database.db, { projectId: projects.globex, connectionId: acmeConn, actor: as(users.gina), reason: "admin" })).rejects.toMatchObject({ code: "not_found" });
    // …or names Acme's project: she is not a member of its organization, so not found either.
    await expect(revokeConnection(database.db, { projectId: projects.crm, connectionId: acmeConn, actor: as(users.gina), reason: "admin" })).rejects.toMatchObject({ code: "not_found" });
    // Alice (Acme admin) cannot reach Globex's connection through an Acme project.
    await expect(revokeConnection(database.db, { projectId: projects.crm, connectionId: globexConn, actor: as(users.alice), reason: "admin" })).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeConnection(database.db, { projectId: projects.globex, connectionId: globexConn, actor: as(users.alice), reason: "admin" })).rejects.toMatchObject({ code: "not_found" });
    const rows = await database.db.oAuthConnection.findMany({ where: { id: { in: [acmeConn, globexConn] } } });
    expect(rows.every((r) => r.revokedAt === null)).toBe(true);
    expect(await database.db.oAuthRefreshToken.count({ where: { connectionId: { in: [acmeConn, globexConn] }, revokedAt: { not: null } } })).toBe(0);
  });

  it("expires unredeemed authorization codes of the connection", async () => {
    const id = await connect(projects.crm, users.bob.id);
    const expiresAt = new Date(Date.now() + 300_000);
    await database.db.oAuthCode.create({
      data: { codeHash: sha256Hex(`code-${id}`), projectId: projects.crm, clientId, userId: users.bob.id, redirectUri: "http://localhost:3118/callback", codeChallenge: "x".repeat(43), scopes: ["contacts:read"], resource: "https://gw/p/acme-crm/mcp", connectionId: id, expiresAt },
    });
    const now = new Date();
    await revokeConnection(database.db, { projectId: projects.crm, connectionId: id, actor: {}, reason: "admin", now });
    const code = await database.db.oAuthCode.findUniqueOrThrow({ where: { codeHash: sha256Hex(`code-${id}`) } });
    expect(code.expiresAt.getTime()).toBe(now.getTime());
  });
});
