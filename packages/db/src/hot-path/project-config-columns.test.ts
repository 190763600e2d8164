import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing.ts";
import { PROJECT_CONFIG_COLUMNS, projectConfigFromRow, projectConfigSelect } from "./project-config-columns.ts";

// The call path reads a project's settings two ways — joined into the prepared credential
// lookups, and through Prisma (approved runs, "Try it") — from one column list. Both must
// give the same ProjectConfig, whatever the settings are.

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase("project_config_columns");
  await database.db.organization.create({ data: { id: "org_cols", name: "Cols", slug: "cols" } });
  await database.db.project.create({
    data: { id: "prj_cols", orgId: "org_cols", name: "Cols", slug: "cols", allowHttpUpstreams: true, allowedUpstreamHosts: ["api.example.com"], requireMember: true, mcpEnabled: false, configVersion: 7 },
  });
  await database.db.apiKey.create({ data: { id: "key_cols", projectId: "prj_cols", name: "k", hash: "hash_cols", prefix: "tng_" } });
});
afterAll(() => database?.drop());

describe("project config columns", () => {
  it("the hot-path lookups and the Prisma select read the same ProjectConfig", async () => {
    const viaPrisma = await database.db.project.findUniqueOrThrow({ where: { id: "prj_cols" }, select: projectConfigSelect });
    const expected = { id: "prj_cols", slug: "cols", configVersion: 7, requireMember: true, allowHttpUpstreams: true, allowedUpstreamHosts: ["api.example.com"], mcpEnabled: false };
    expect(viaPrisma).toEqual(expected);

    const byHash = await database.hot.findApiKey("hash_cols");
    const byId = await database.hot.findMemberSessionKey("key_cols");
    expect(byHash && projectConfigFromRow(byHash)).toEqual(expected);
    expect(byId && projectConfigFromRow(byId)).toEqual(expected);
  });

  it("lists every setting of ProjectConfig except the id", () => {
    expect(Object.keys(projectConfigSelect).sort()).toEqual(["id", ...PROJECT_CONFIG_COLUMNS].sort());
  });
});
