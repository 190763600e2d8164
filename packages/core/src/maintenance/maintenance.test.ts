import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { deleteExpiredOAuthRows } from "./delete-expired-oauth-rows.ts";
import { deleteOldRuns } from "./delete-old-runs.ts";
import { deleteOldSignInAttempts } from "./delete-old-sign-in-attempts.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let keepMonth: string; // 30 days (the default)
let keepWeek: string; // 7 days
const DAY = 86_400_000;
const now = new Date("2025-06-01T12:00:00.000Z");

beforeAll(async () => {
  database = await createTestDatabase("maintenance");
  const org = await createOrganization(database.db, { name: "Maint" });
  keepMonth = (await createProject(database.db, { orgId: org.id, name: "Month" })).id;
  keepWeek = (await createProject(database.db, { orgId: org.id, name: "Week" })).id;
  await database.db.project.update({ where: { id: keepWeek }, data: { runRetentionDays: 7 } });
}, 60_000);
afterAll(() => database?.drop());

async function seedRuns(projectId: string, ageDays: number[]) {
  const data = ageDays.map((age) => {
    const at = now.getTime() - age * DAY;
    return { id: newId("run", at), projectId, toolName: `age_${age}`, status: "succeeded" as const, principalKind: "api_key" as const, createdAt: new Date(at) };
  });
  await database.db.run.createMany({ data });
}

const toolsLeft = async (projectId: string) =>
  (await database.db.run.findMany({ where: { projectId }, select: { toolName: true }, orderBy: { createdAt: "asc" } })).map((r) => r.toolName);

describe("runs.retention", () => {
  it("deletes only runs older than their own project's retention, in batches", async () => {
    // 29.9 days is inside a 30-day retention; 30.1 is out. 6.9 / 7.1 the same for 7 days.
    await seedRuns(keepMonth, [400, 45, 31, 30.1, 30.1, 30.1, 30.1, 29.9, 7.1, 1]);
    await seedRuns(keepWeek, [45, 30.1, 29.9, 8, 7.1, 7.1, 6.9, 0.5]);

    // Batches of 2 and room for only 3 statements: stops part-way and says so.
    const partial = await deleteOldRuns(database.db, { now, batchSize: 2, maxBatches: 3 });
    expect(partial).toMatchObject({ deleted: 6, complete: false });

    const rest = await deleteOldRuns(database.db, { now, batchSize: 2 });
    expect(rest.complete).toBe(true);
    expect(partial.deleted + rest.deleted).toBe(7 + 6);

    expect(await toolsLeft(keepMonth)).toEqual(["age_29.9", "age_7.1", "age_1"]);
    expect(await toolsLeft(keepWeek)).toEqual(["age_6.9", "age_0.5"]);
    expect(await deleteOldRuns(database.db, { now })).toEqual({ deleted: 0, projects: 0, complete: true });
  });

  it("stops between batches when aborted", async () => {
    await seedRuns(keepWeek, [9, 9, 9]);
    const controller = new AbortController();
    controller.abort();
    expect(await deleteOldRuns(database.db, { now, signal: controller.signal })).toMatchObject({ deleted: 0, complete: false });
    expect(await deleteOldRuns(database.db, { now })).toMatchObject({ deleted: 3, projects: 1, complete: true });
  });
});

describe("oauth.cleanup", () => {
  it("deletes expired requests, codes and refresh tokens and keeps the live ones", async () => {
    const past = new Date(now.getTime() - 60_000);
    const future = new Date(now.getTime() + 60_000);
    const common = { projectId: keepMonth, clientId: "cli_x", redirectUri: "http://localhost/cb", codeChallenge: "c".repeat(43), scopes: ["crm:read"], resource: "http://gw/p/month/mcp" };
    await database.db.oAuthAuthorizationRequest.createMany({
      data: [
        { ...common, id: "req-expired", expiresAt: past },
        { ...common, id: "req-decided-expired", expiresAt: past, decidedAt: past },
        { ...common, id: "req-live", expiresAt: future },
      ],
    });
    const code = { ...common, userId: "usr_x", connectionId: "conn_x" };
    await database.db.oAuthCode.createMany({
      data: [
        { ...code, codeHash: "expired", expiresAt: past },
        { ...code, codeHash: "used-expired", expiresAt: past, usedAt: past },
        // used but not yet expired: kept so a second redemption is still recognised as reuse
        { ...code, codeHash: "used-live", expiresAt: future, usedAt: past },
        { ...code, codeHash: "live", expiresAt: future },
      ],
    });
    const token = { projectId: keepMonth, clientId: "cli_x", connectionId: "conn_x", scopes: ["crm:read"] };
    await database.db.oAuthRefreshToken.createMany({
      data: [
        { ...token, id: "rt-expired", tokenHash: "h1", expiresAt: past },
        { ...token, id: "rt-revoked-expired", tokenHash: "h2", expiresAt: past, revokedAt: past },
        { ...token, id: "rt-live", tokenHash: "h3", expiresAt: future },
      ],
    });

    expect(await deleteExpiredOAuthRows(database.db, now)).toEqual({ authorizationRequests: 2, codes: 2, refreshTokens: 2 });
    expect((await database.db.oAuthAuthorizationRequest.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(["req-live"]);
    expect((await database.db.oAuthCode.findMany({ select: { codeHash: true }, orderBy: { codeHash: "asc" } })).map((r) => r.codeHash)).toEqual(["live", "used-live"]);
    expect((await database.db.oAuthRefreshToken.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(["rt-live"]);
    expect(await deleteExpiredOAuthRows(database.db, now)).toEqual({ authorizationRequests: 0, codes: 0, refreshTokens: 0 });
  });
});

describe("sign-in-attempts.retention", () => {
  it("deletes failed sign-ins older than a day and keeps the recent ones the limit counts", async () => {
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
    await database.db.signInAttempt.createMany({
      data: [
        { id: newId("signIn"), email: "old@example.com", ip: "10.0.0.1", createdAt: at(49) },
        { id: newId("signIn"), email: "old@example.com", ip: "10.0.0.1", createdAt: at(24.1) },
        { id: newId("signIn"), email: "recent@example.com", ip: "10.0.0.2", createdAt: at(23.9) },
        { id: newId("signIn"), email: "recent@example.com", ip: "10.0.0.2", createdAt: at(0.1) },
      ],
    });
    expect(await deleteOldSignInAttempts(database.db, now)).toBe(2);
    const left = await database.db.signInAttempt.findMany({ select: { email: true } });
    expect(left.map((r) => r.email)).toEqual(["recent@example.com", "recent@example.com"]);
    expect(await deleteOldSignInAttempts(database.db, now)).toBe(0);
  });
});
