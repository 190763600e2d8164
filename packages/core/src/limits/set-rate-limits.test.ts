import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { setRateLimits } from "./set-rate-limits.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase("ratelimits");
}, 60_000);
afterAll(async () => {
  await database?.drop();
});

describe("setRateLimits", () => {
  it("stores the limits, bumps the config version, and clears them", async () => {
    const { db } = database;
    const org = await createOrganization(db, { name: "Org" });
    const project = await createProject(db, { orgId: org.id, name: "Limited" });
    const v0 = (await db.project.findUniqueOrThrow({ where: { id: project.id } })).configVersion;

    const set = await setRateLimits(db, project.id, { principal: { max: 20, windowSec: 60 }, failOpen: false });
    expect(set).toEqual({ before: null, after: { principal: { max: 20, windowSec: 60 }, failOpen: false } });
    let row = await db.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row.rateLimits).toEqual({ principal: { max: 20, windowSec: 60 }, failOpen: false });
    expect(row.configVersion).toBe(v0 + 1);

    // the hot-path lookups return them with the credential
    const cleared = await setRateLimits(db, project.id, null);
    expect(cleared.after).toBeNull();
    row = await db.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row.rateLimits).toBeNull();
    expect(row.configVersion).toBe(v0 + 2);
  });

  it("rejects invalid limits and unknown projects", async () => {
    await expect(setRateLimits(database.db, "prj_missing", null)).rejects.toThrow(/not found/);
    await expect(setRateLimits(database.db, "prj_missing", { tool: { max: 0, windowSec: 60 } })).rejects.toThrow(/at least 1/);
  });
});
