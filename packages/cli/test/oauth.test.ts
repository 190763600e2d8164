import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createOrganization, createProject, newId, SecretBox, sha256Hex } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/tengine.mjs", import.meta.url));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;

/** Runs the real `tengine` binary against this file's schema. */
async function tengine(...args: string[]) {
  const { stdout } = await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  return JSON.parse(stdout);
}

async function tengineText(...args: string[]) {
  return (await run(process.execPath, [bin, ...args], { env, timeout: 60_000 })).stdout;
}

async function tengineFails(...args: string[]) {
  try {
    await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, error: JSON.parse(e.stderr.trim().split("\n").at(-1)!) };
  }
  throw new Error(`expected tengine ${args.join(" ")} to fail`);
}

let projectId: string;
let otherProjectId: string;

beforeAll(async () => {
  database = await createTestDatabase("cli_oauth");
  env = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: SecretBox.generateKey(), PUBLIC_GATEWAY_URL: "https://gw.example" };
  const org = await createOrganization(database.db, { name: "Acme" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Acme CRM" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
}, 60_000);
afterAll(() => database?.drop());

describe("tengine policy", () => {
  it("sets the policy from repeatable and comma-separated flags, shows it, and clears a list with ''", { timeout: 240_000 }, async () => {
    const set = await tengine(
      "policy", "set", "--project", "acme-crm",
      "--redirect-uri", "http://localhost:3118/callback",
      "--redirect-uri", "https://app.example.com/cb,http://127.0.0.1:33418",
      "--client-id", "cli_abc",
      "--scopes", "contacts:read,contacts:write",
    );
    expect(set).toEqual({
      project: "acme-crm",
      mcpUrl: "https://gw.example/p/acme-crm/mcp",
      mcpEnabled: true,
      redirectUris: ["http://localhost:3118/callback", "https://app.example.com/cb", "http://127.0.0.1:33418"],
      clientIds: ["cli_abc"],
      scopes: ["contacts:read", "contacts:write"],
      changed: ["redirectUris", "clientIds", "scopes"],
    });
    const row = await database.db.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(row).toMatchObject({ oauthRedirectUris: set.redirectUris, oauthClientIds: ["cli_abc"], oauthScopes: ["contacts:read", "contacts:write"], configVersion: 1 });

    const cleared = await tengine("policy", "set", "--project", "acme-crm", "--client-id", "", "--disabled");
    expect(cleared).toMatchObject({ mcpEnabled: false, clientIds: [], redirectUris: set.redirectUris, changed: ["mcpEnabled", "clientIds"] });
    expect(await tengine("policy", "show", "--project", "acme-crm")).toEqual({ project: "acme-crm", mcpUrl: "https://gw.example/p/acme-crm/mcp", mcpEnabled: false, redirectUris: set.redirectUris, clientIds: [], scopes: ["contacts:read", "contacts:write"] });
    expect(await tengine("policy", "set", "--project", "acme-crm", "--enabled")).toMatchObject({ mcpEnabled: true, changed: ["mcpEnabled"] });
    expect(await tengineText("policy", "show", "--project", "acme-crm")).toContain("redirectUris: http://localhost:3118/callback,https://app.example.com/cb,http://127.0.0.1:33418");

    const audit = await database.db.auditLog.findMany({ where: { projectId, action: "oauth_policy.update" }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.actorEmail === "tengine CLI" && a.actorUserId === null)).toBe(true);
    expect((await database.db.project.findUniqueOrThrow({ where: { id: otherProjectId } })).oauthRedirectUris).toEqual([]);
  });

  it("refuses bad input with one clear line and changes nothing", { timeout: 240_000 }, async () => {
    const before = await database.db.project.findUniqueOrThrow({ where: { id: projectId } });
    const ftp = await tengineFails("policy", "set", "--project", "acme-crm", "--redirect-uri", "ftp://x");
    expect(ftp).toEqual({ code: 1, error: { error: "bad_request", message: 'redirect URIs: "ftp://x": redirect URIs must use https:// (or http:// for localhost)' } });
    const http = await tengineFails("policy", "set", "--project", "acme-crm", "--redirect-uri", "http://app.example.com/cb");
    expect(http.error.message).toContain("plain http:// is only allowed for localhost");
    expect((await tengineFails("policy", "set", "--project", "acme-crm", "--scopes", "contacts")).error.message).toContain('"contacts" is not a scope');
    expect((await tengineFails("policy", "set", "--project", "acme-crm", "--client-id", "abc")).error.message).toContain("they look like cli_…");
    expect((await tengineFails("policy", "set", "--project", "acme-crm", "--enabled", "--disabled")).error.message).toBe("give --enabled or --disabled, not both");
    expect((await tengineFails("policy", "set", "--project", "acme-crm")).error.message).toContain("nothing to change");
    expect((await tengineFails("policy", "show", "--project", "nope")).error).toEqual({ error: "not_found", message: 'project "nope" not found' });
    const after = await database.db.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(after.configVersion).toBe(before.configVersion);
  });
});

describe("tengine connections", () => {
  it("lists a project's connections and revokes one with its refresh tokens; another project's connection is not found", { timeout: 240_000 }, async () => {
    const db = database.db;
    const user = await db.user.create({ data: { id: newId("user"), email: "dev@example.com", name: "Dev" } });
    const clientId = newId("client");
    await db.oAuthClient.create({ data: { id: clientId, name: "Claude Code", redirectUris: ["http://localhost:3118/callback"] } });
    const conn = newId("connection");
    const other = newId("connection");
    await db.oAuthConnection.create({ data: { id: conn, projectId, userId: user.id, clientId, scopes: ["contacts:read"] } });
    await db.oAuthConnection.create({ data: { id: other, projectId: otherProjectId, userId: user.id, clientId, scopes: ["contacts:read"] } });
    await db.oAuthRefreshToken.create({ data: { id: newId("connection"), tokenHash: sha256Hex("rt"), connectionId: conn, projectId, clientId, scopes: ["contacts:read"], expiresAt: new Date(Date.now() + 86_400_000) } });

    const listed = await tengine("connections", "list", "--project", "acme-crm");
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: conn, user: { email: "dev@example.com" }, client: { id: clientId, name: "Claude Code" }, scopes: ["contacts:read"], status: "active", revokedAt: null });
    expect(await tengineText("connections", "list", "--project", "acme-crm")).toMatch(new RegExp(`${conn}\\s+dev@example.com\\s+Claude Code\\s+contacts:read`));

    const missing = await tengineFails("connections", "revoke", "--project", "acme-crm", other);
    expect(missing.error).toEqual({ error: "not_found", message: `connection ${other} not found` });
    expect((await db.oAuthConnection.findUniqueOrThrow({ where: { id: other } })).revokedAt).toBeNull();

    const revoked = await tengine("connections", "revoke", "--project", "acme-crm", conn);
    expect(revoked).toMatchObject({ id: conn, revokedReason: "admin", alreadyRevoked: false });
    expect(await db.oAuthRefreshToken.count({ where: { connectionId: conn, revokedAt: null } })).toBe(0);
    expect((await tengine("connections", "list", "--project", "acme-crm"))[0]).toMatchObject({ status: "revoked", revokedReason: "admin" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "oauth_connection.revoke", targetId: conn } });
    expect(audit.actorEmail).toBe("tengine CLI");
  });
});
