import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { createApiKey } from "../keys/create-api-key.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { listRunFilterOptions } from "./list-run-filter-options.ts";
import { listRuns } from "./list-runs.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;
let keyId: string;
const T0 = Date.UTC(2026, 1, 1, 9, 0, 0);

beforeAll(async () => {
  database = await createTestDatabase("run_members");
  const { db } = database;
  const org = await createOrganization(db, { name: "Members" });
  projectId = (await createProject(db, { orgId: org.id, name: "Members" })).id;
  otherProjectId = (await createProject(db, { orgId: org.id, name: "Other" })).id;
  keyId = (await createApiKey(db, projectId, { name: "backend" })).id;
  const member = (i: number, memberId: string, email: string | null, project = projectId) =>
    db.run.create({ data: { id: newId("run", T0 + i * 1000), projectId: project, toolName: "t", status: "succeeded", principalKind: "member", apiKeyId: keyId, memberId, memberEmail: email } });
  await member(0, "u_old", "old@example.com");
  await member(1, "u_ada", "ada@example.com");
  await member(2, "u_bob", null);
  await member(3, "u_ada", "ada@example.com");
  await member(4, "u_theirs", "x@example.com", otherProjectId);
  await db.run.create({ data: { id: newId("run", T0 + 5000), projectId, toolName: "t", status: "succeeded", principalKind: "api_key", apiKeyId: keyId } });
});
afterAll(() => database?.drop());

describe("member filter", () => {
  it("suggests the project's recent members, newest first, each once, never another project's", async () => {
    const options = await listRunFilterOptions(database.db, projectId);
    expect(options.members).toEqual([
      { id: "u_ada", email: "ada@example.com" },
      { id: "u_bob", email: null },
      { id: "u_old", email: "old@example.com" },
    ]);
    expect(options.keys.map((k) => k.id)).toEqual([keyId]);
  });

  it("lists a member's runs only", async () => {
    const page = await listRuns(database.db, projectId, { memberId: "u_ada" });
    expect(page.runs).toHaveLength(2);
    expect(page.runs.every((r) => r.memberId === "u_ada")).toBe(true);
    expect((await listRuns(database.db, projectId, { memberId: "u_theirs" })).runs).toHaveLength(0);
  });
});
