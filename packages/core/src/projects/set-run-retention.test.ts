import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "./create-project.ts";
import { setRunRetention } from "./set-run-retention.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;
const stored = async (id: string) => (await database.db.project.findUniqueOrThrow({ where: { id }, select: { runRetentionDays: true } })).runRetentionDays;

beforeAll(async () => {
  database = await createTestDatabase("retention");
  const org = await createOrganization(database.db, { name: "Retention" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Keeps runs" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
});
afterAll(() => database?.drop());

describe("setRunRetention", () => {
  it("stores the days for this project only and returns before/after", async () => {
    expect(await stored(projectId)).toBe(30);
    expect(await setRunRetention(database.db, projectId, 90)).toEqual({ before: 30, after: 90 });
    expect(await stored(projectId)).toBe(90);
    expect(await stored(otherProjectId)).toBe(30);
  });

  it.each([
    [0, /at least 1 day/],
    [3651, /at most 3650 days/],
    [1.5, /whole number/],
    [Number.NaN, /number/],
  ])("refuses %s with a clear message and keeps the stored value", async (days, message) => {
    await expect(setRunRetention(database.db, projectId, days)).rejects.toThrow(message);
    expect(await stored(projectId)).toBe(90);
  });

  it("accepts the bounds 1 and 3650", async () => {
    await setRunRetention(database.db, projectId, 1);
    expect(await stored(projectId)).toBe(1);
    await setRunRetention(database.db, projectId, 3650);
    expect(await stored(projectId)).toBe(3650);
  });

  it("says not found for an unknown project", async () => {
    await expect(setRunRetention(database.db, "prj_nope", 10)).rejects.toThrow(/not found/);
  });
});
