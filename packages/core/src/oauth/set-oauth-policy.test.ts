import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { getOAuthPolicy, oauthRedirectUriSchema, setOAuthPolicy } from "./set-oauth-policy.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;
const actor = { userId: "usr_admin", email: "admin@example.com" };
const version = async (id = projectId) => (await database.db.project.findUniqueOrThrow({ where: { id }, select: { configVersion: true } })).configVersion;

beforeAll(async () => {
  database = await createTestDatabase("oauth_policy");
  const org = await createOrganization(database.db, { name: "Policy" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Billing" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
});
afterAll(() => database?.drop());

describe("oauthRedirectUriSchema", () => {
  it.each([
    "http://localhost:3118/callback",
    "http://127.0.0.1:33418",
    "http://[::1]:8080/cb",
    "https://app.example.com/oauth/callback?tenant=a",
    "https://vscode.dev/redirect",
  ])("accepts %s exactly as typed", (uri) => {
    expect(oauthRedirectUriSchema.parse(` ${uri} `)).toBe(uri);
  });

  it.each([
    ["ftp://x", /must use https:\/\//],
    ["cursor://anysphere.cursor-mcp/oauth/callback", /must use https:\/\//],
    ["/callback", /not an absolute URL/],
    ["localhost:3118/callback", /must use https:\/\//],
    ["https://app.example.com/cb#frag", /must not contain a fragment/],
    ["https://app.example.com/cb#", /must not contain a fragment/],
    ["http://app.example.com/callback", /plain http:\/\/ is only allowed for localhost/],
    ["http://10.0.0.1/callback", /plain http:\/\/ is only allowed for localhost/],
    ["https://good@evil.example/cb", /user information/],
    ["https://*.example.com/cb", /wildcards/],
    ["https://app.example.com/a b", /spaces/],
    ["", /enter a redirect URI/],
  ])("refuses %s", (uri, message) => {
    const result = oauthRedirectUriSchema.safeParse(uri);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });
});

describe("setOAuthPolicy", () => {
  it("starts from the schema defaults", async () => {
    expect(await getOAuthPolicy(database.db, projectId)).toEqual({ mcpEnabled: true, redirectUris: [], clientIds: [], scopes: [] });
  });

  it("writes the given fields deduplicated, bumps the config version once and audits before/after", async () => {
    const v0 = await version();
    const result = await setOAuthPolicy(database.db, {
      projectId,
      actor,
      redirectUris: ["http://localhost:3118/callback", " http://localhost:3118/callback", "https://app.example.com/cb"],
      clientIds: ["cli_abc123", "cli_abc123"],
      scopes: ["contacts:read", "contacts:write", "contacts:read"],
    });
    expect(result.changed).toEqual(["redirectUris", "clientIds", "scopes"]);
    expect(result.after).toEqual({ mcpEnabled: true, redirectUris: ["http://localhost:3118/callback", "https://app.example.com/cb"], clientIds: ["cli_abc123"], scopes: ["contacts:read", "contacts:write"] });
    expect(await getOAuthPolicy(database.db, projectId)).toEqual(result.after);
    expect(await version()).toBe(v0 + 1);
    expect(await version(otherProjectId)).toBe(0);
    const audit = await database.db.auditLog.findMany({ where: { projectId, action: "oauth_policy.update" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: "usr_admin", actorEmail: "admin@example.com", targetId: projectId });
    expect(audit[0]!.details).toEqual({
      changed: ["redirectUris", "clientIds", "scopes"],
      before: { redirectUris: [], clientIds: [], scopes: [] },
      after: { redirectUris: ["http://localhost:3118/callback", "https://app.example.com/cb"], clientIds: ["cli_abc123"], scopes: ["contacts:read", "contacts:write"] },
    });
  });

  it("is a partial update: omitted fields stay, an empty list clears, no change writes nothing", async () => {
    const v0 = await version();
    const disabled = await setOAuthPolicy(database.db, { projectId, actor, mcpEnabled: false, clientIds: [] });
    expect(disabled.changed).toEqual(["mcpEnabled", "clientIds"]);
    expect(await getOAuthPolicy(database.db, projectId)).toEqual({ mcpEnabled: false, redirectUris: ["http://localhost:3118/callback", "https://app.example.com/cb"], clientIds: [], scopes: ["contacts:read", "contacts:write"] });
    expect(await version()).toBe(v0 + 1);

    const same = await setOAuthPolicy(database.db, { projectId, actor, mcpEnabled: false, scopes: ["contacts:write", "contacts:read"].reverse() });
    expect(same.changed).toEqual([]);
    expect(await version()).toBe(v0 + 1);
    expect(await database.db.auditLog.count({ where: { projectId, action: "oauth_policy.update" } })).toBe(2);
  });

  it("refuses bad input with a message naming the field and value, before writing anything", async () => {
    const before = await getOAuthPolicy(database.db, projectId);
    const v0 = await version();
    await expect(setOAuthPolicy(database.db, { projectId, actor, mcpEnabled: true, redirectUris: ["http://localhost:3118/callback", "ftp://x"] })).rejects.toMatchObject({
      code: "bad_request",
      message: 'redirect URIs: "ftp://x": redirect URIs must use https:// (or http:// for localhost)',
    });
    await expect(setOAuthPolicy(database.db, { projectId, actor, clientIds: ["client-1"] })).rejects.toMatchObject({ code: "bad_request", message: 'client ids: "client-1" is not an OAuth client id: they look like cli_… or, for a client with a metadata document, https://app.example.com/oauth/client.json' });
    await expect(setOAuthPolicy(database.db, { projectId, actor, clientIds: ["https://app.example.com/"] })).rejects.toMatchObject({ code: "bad_request", message: "client ids: client_id https://app.example.com/ must have a path (e.g. https://app.example.com/oauth/client.json)" });
    await expect(setOAuthPolicy(database.db, { projectId, actor, scopes: ["contacts"] })).rejects.toMatchObject({ code: "bad_request", message: expect.stringContaining('scopes: "contacts" is not a scope') });
    await expect(setOAuthPolicy(database.db, { projectId, actor, scopes: ["Contacts:Read"] })).rejects.toMatchObject({ code: "bad_request" });
    expect(await getOAuthPolicy(database.db, projectId)).toEqual(before);
    expect(await version()).toBe(v0);
  });

  it("treats an unknown project as not found", async () => {
    await expect(setOAuthPolicy(database.db, { projectId: "prj_missing", actor, mcpEnabled: true })).rejects.toMatchObject({ code: "not_found" });
    await expect(getOAuthPolicy(database.db, "prj_missing")).rejects.toMatchObject({ code: "not_found" });
  });
});
