import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "./create-project.ts";
import { updateProjectSettings, upstreamHostSchema } from "./update-project-settings.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;
const version = async (id = projectId) => (await database.db.project.findUniqueOrThrow({ where: { id }, select: { configVersion: true } })).configVersion;

beforeAll(async () => {
  database = await createTestDatabase("settings");
  const org = await createOrganization(database.db, { name: "Settings" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Billing" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
});
afterAll(() => database?.drop());

describe("upstreamHostSchema", () => {
  it.each([
    ["API.Example.com", "api.example.com"],
    [" crm.internal ", "crm.internal"],
    ["localhost", "localhost"],
    ["10.0.0.7", "10.0.0.7"],
    ["[::1]", "::1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["example.com.", "example.com"],
  ])("accepts %s as %s", (input, output) => {
    expect(upstreamHostSchema.parse(input)).toBe(output);
  });

  it.each([
    ["https://api.example.com", /is a URL/],
    ["*.example.com", /wildcards/],
    ["api.example.com:8443", /no port, path/],
    ["api.example.com/v1", /no port, path/],
    ["user@api.example.com", /no port, path/],
    ["bad_host!", /not a valid host name/],
    ["-leading.example.com", /not a valid host name/],
    ["", /enter a host name/],
  ])("refuses %s", (input, message) => {
    const result = upstreamHostSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });
});

describe("updateProjectSettings", () => {
  it("changes the given fields, reports them, and bumps the config version once", async () => {
    const v0 = await version();
    const result = await updateProjectSettings(database.db, projectId, { name: " Billing API ", allowedUpstreamHosts: ["api.example.com", "API.example.com", "crm.example.com"], allowHttpUpstreams: true, requireMember: true });
    expect(result.changed.sort()).toEqual(["allowHttpUpstreams", "allowedUpstreamHosts", "name", "requireMember"]);
    expect(result.before).toEqual({ name: "Billing", allowedUpstreamHosts: [], allowHttpUpstreams: false, requireMember: false });
    expect(result.after).toEqual({ name: "Billing API", allowedUpstreamHosts: ["api.example.com", "crm.example.com"], allowHttpUpstreams: true, requireMember: true });
    expect(await version()).toBe(v0 + 1);
    expect(await version(otherProjectId)).toBe(0);
  });

  it("leaves omitted fields alone and does not bump when nothing changed", async () => {
    const v0 = await version();
    const result = await updateProjectSettings(database.db, projectId, { requireMember: true, allowedUpstreamHosts: ["api.example.com", "crm.example.com"] });
    expect(result.changed).toEqual([]);
    expect(await version()).toBe(v0);
    await updateProjectSettings(database.db, projectId, { allowedUpstreamHosts: [] });
    const row = await database.db.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(row).toMatchObject({ name: "Billing API", allowedUpstreamHosts: [], allowHttpUpstreams: true, requireMember: true, configVersion: v0 + 1 });
  });

  it("refuses bad input before writing, and unknown projects", async () => {
    await expect(updateProjectSettings(database.db, projectId, { name: "  " })).rejects.toThrow(/give the project a name/);
    await expect(updateProjectSettings(database.db, projectId, { allowedUpstreamHosts: ["ok.example.com", "https://nope.example.com"] })).rejects.toThrow(/is a URL/);
    await expect(updateProjectSettings(database.db, "prj_missing", { requireMember: false })).rejects.toMatchObject({ code: "not_found" });
  });
});
