import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/tengine.mjs", import.meta.url));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;

/** Runs the real `tengine` binary against this file's schema; returns parsed --json output. */
async function tengine(...args: string[]) {
  const { stdout } = await run(process.execPath, [bin, "--json", ...args], { env, timeout: 60_000 });
  return JSON.parse(stdout);
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

beforeAll(async () => {
  database = await createTestDatabase("cli");
  env = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: SecretBox.generateKey(), PUBLIC_GATEWAY_URL: "https://gw.example" };
}, 60_000);
afterAll(() => database?.drop());

describe("tengine CLI", () => {
  it("creates a project, keys, a signing secret and a tool, and lists them as JSON", { timeout: 300_000 }, async () => {
    expect(await tengine("migrate")).toEqual({ status: "up to date", applied: [] });
    const project = await tengine("projects", "create", "Acme CRM", "--allow-http");
    expect(project).toMatchObject({ slug: "acme-crm", mcpUrl: "https://gw.example/p/acme-crm/mcp" });

    const key = await tengine("keys", "create", "--project", "acme-crm", "--scopes", "contacts:read,contacts:write", "--name", "backend");
    expect(key.key).toMatch(/^tengine_[A-Za-z0-9]{43}$/);
    expect(key).toMatchObject({ name: "backend", scopes: ["contacts:read", "contacts:write"] });
    const row = await database.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.hash).not.toContain(key.key.slice(8));

    const listed = await tengine("keys", "list", "--project", "acme-crm");
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(key.key);
    expect(listed[0]).toMatchObject({ id: key.id, prefix: key.key.slice(0, 14) });

    const signing = await tengine("signing-secrets", "create", "--project", "acme-crm");
    expect(signing.keyid).toMatch(/^sig_/);
    expect(signing.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const file = path.join(os.tmpdir(), `tool-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({
      name: "get_contact",
      description: "Gets a contact",
      inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      method: "GET",
      url: "https://crm.example/contacts/{{input.id}}",
      auth: { type: "bearer", token: "sk_live_cli_secret" },
      requiredScopes: ["contacts:read"],
      annotations: { readOnlyHint: true },
    }));
    const tool = await tengine("tools", "create", "--project", "acme-crm", "--file", file);
    expect(tool).toMatchObject({ name: "get_contact", auth: { type: "bearer", secretSet: true }, source: "manual" });
    const tools = await tengine("tools", "list", "--project", "acme-crm");
    expect(tools[0]).toMatchObject({ name: "get_contact", url: "https://crm.example/contacts/{{input.id}}", inputSchema: { required: ["id"] }, requiredScopes: ["contacts:read"], timeoutMs: 10000 });
    expect(JSON.stringify(tools)).not.toContain("sk_live_cli_secret");

    const memberSecret = await tengine("member-secret", "create", "--project", "acme-crm");
    expect(memberSecret).toMatchObject({ alg: "HS256" });
    expect(memberSecret.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await database.db.project.findUniqueOrThrow({ where: { slug: "acme-crm" } });
    expect(stored.memberAssertionSecretEnc).toBeTruthy();
    expect(stored.memberAssertionSecretEnc).not.toContain(memberSecret.secret);

    const revoked = await tengine("keys", "revoke", "--project", "acme-crm", key.id);
    expect(revoked.revokedAt).toBeTruthy();
    expect((await tengine("runs", "list", "--project", "acme-crm")).runs).toEqual([]);
    const audit = await database.db.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["project.create", "api_key.create", "signing_secret.create", "tool.create", "member_assertion.secret_set", "api_key.revoke"]);
    expect(audit.every((a) => a.actorEmail === "tengine CLI")).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(key.key);
  });

  it("reports bad input as one clear error and a non-zero exit", { timeout: 300_000 }, async () => {
    const file = path.join(os.tmpdir(), `bad-tool-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({ name: "bad name!", description: "x", inputSchema: { type: "string" }, method: "GET", url: "https://{{input.host}}/x" }));
    const bad = await tengineFails("tools", "create", "--project", "acme-crm", "--file", file);
    expect(bad.code).toBe(1);
    expect(bad.error.error).toBe("bad_request");
    // every problem of the definition in one answer
    expect(bad.error.message).toContain("name: name must be 1 to 64 letters, digits, dots, dashes or underscores (no spaces)");
    expect(bad.error.message).toContain('inputSchema: inputSchema must have "type": "object"');
    expect(bad.error.message).toContain("url: ");
    const missing = await tengineFails("keys", "list", "--project", "no-such-project");
    expect(missing.error).toEqual({ error: "not_found", message: 'project "no-such-project" not found' });
    expect(missing.code).toBe(3);
    const scopes = await tengineFails("keys", "create", "--project", "acme-crm", "--scopes", "contacts");
    expect(scopes.error.message).toContain("invalid scope: contacts");
  });

  it("sets and clears rate limits, audited, moving the config version", { timeout: 300_000 }, async () => {
    const project = await database.db.project.findUniqueOrThrow({ where: { slug: "acme-crm" } });
    const set = await tengine("limits", "set", "--project", "acme-crm", "--principal-limit", "20/60", "--tool-limit", "50/60", "--fail-closed");
    expect(set).toEqual({ project: "acme-crm", rateLimits: { principal: { max: 20, windowSec: 60 }, tool: { max: 50, windowSec: 60 }, failOpen: false } });
    const row = await database.db.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row.rateLimits).toEqual(set.rateLimits);
    expect(row.configVersion).toBe(project.configVersion + 1);
    const audit = await database.db.auditLog.findFirst({ where: { projectId: project.id, action: "project.rate_limits_set" } });
    expect(audit).not.toBeNull();

    expect(await tengine("limits", "set", "--project", "acme-crm", "--clear")).toEqual({ project: "acme-crm", rateLimits: null });
    const bad = await tengineFails("limits", "set", "--project", "acme-crm", "--project-limit", "0/60");
    expect(bad.error).toMatchObject({ error: "bad_request" });
    expect(bad.error.message).toContain("at least 1");
    const none = await tengineFails("limits", "set", "--project", "acme-crm");
    expect(none.error.message).toContain("--clear");
  });
});
