import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createApiKey, createProject, createTool, newId, type Principal, type Role, SecretBox } from "@tengine/core";
import type { Db } from "@tengine/db";
import { createTestDatabase } from "@tengine/db/testing";

export const bin = fileURLToPath(new URL("../../bin/tengine.mjs", import.meta.url));

export type CliResult = { code: number; stdout: string; stderr: string };

/** The real `tengine` binary against one test database; what a user sees: exit code, stdout, stderr. */
export function cliRunner(env: NodeJS.ProcessEnv) {
  const run = (args: string[], input?: string) =>
    new Promise<CliResult>((resolve) => {
      const child = execFile(process.execPath, [bin, ...args], { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      child.stdin!.end(input ?? "");
    });
  return {
    run,
    /** `--json` output of a command that must succeed. */
    async json(...args: string[]) {
      const result = await run(["--json", ...args]);
      if (result.code !== 0) throw new Error(`tengine ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    /** A command that must fail: its exit code and the `--json` error line. */
    async fails(...args: string[]) {
      const result = await run(["--json", ...args]);
      if (result.code === 0) throw new Error(`expected tengine ${args.join(" ")} to fail; it printed ${result.stdout}`);
      return { code: result.code, error: JSON.parse(result.stderr.trim().split("\n").at(-1)!) as { error: string; message: string } };
    },
    spawn: (args: string[]) => spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] }),
  };
}

async function person(db: Db, orgId: string, label: string, role: Role) {
  const user = await db.user.create({ data: { id: newId("user"), email: `${label}@acme.example`, name: label }, select: { id: true, email: true } });
  await db.membership.create({ data: { id: newId("membership"), orgId, userId: user.id, role } });
  return user;
}

const TOOL = {
  name: "get_contact",
  description: "Gets a contact",
  inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  method: "GET",
  url: "https://crm.example/contacts/{{input.id}}",
  auth: { type: "bearer" as const, token: "sk_live_world_secret" },
  requiredScopes: ["contacts:read"],
};

/**
 * One organization ("acme") with a person in every role, two projects ("acme-crm" and
 * "acme-other") that both have a tool named get_contact, and in acme-crm two calls waiting for
 * approval: one made with an API key, one by the member themselves (a dashboard "Try it").
 * Another organization ("globex") has its own owner.
 */
export async function createCliWorld(label: string) {
  const database = await createTestDatabase(label);
  const masterKey = SecretBox.generateKey();
  const env = { ...process.env, DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: masterKey, PUBLIC_GATEWAY_URL: "https://gw.example" };
  const db = database.db;
  const box = new SecretBox(masterKey);
  const org = await db.organization.create({ data: { id: newId("org"), name: "Acme", slug: "acme" } });
  const people = {
    owner: await person(db, org.id, "owner", "owner"),
    admin: await person(db, org.id, "admin", "admin"),
    member: await person(db, org.id, "member", "member"),
    viewer: await person(db, org.id, "viewer", "viewer"),
  };
  const globex = await db.organization.create({ data: { id: newId("org"), name: "Globex", slug: "globex" } });
  const outsider = await person(db, globex.id, "outsider", "owner");
  const project = await createProject(db, { orgId: org.id, name: "Acme CRM", slug: "acme-crm" });
  const other = await createProject(db, { orgId: org.id, name: "Acme other", slug: "acme-other" });
  const tool = await createTool(db, box, project.id, TOOL);
  const otherTool = await createTool(db, box, other.id, { ...TOOL, url: "https://other.example/contacts/{{input.id}}" });
  const key = await createApiKey(db, project.id, { name: "backend" });

  async function waitingCall(principal: Principal, run: { principalKind: "api_key" | "dashboard"; apiKeyId?: string; userId?: string }) {
    const runId = newId("run");
    const approvalId = newId("approval");
    await db.run.create({ data: { id: runId, projectId: project.id, toolId: tool.id, toolName: tool.name, status: "pending", arguments: { id: "42" }, ...run } });
    await db.approval.create({ data: { id: approvalId, projectId: project.id, runId, toolId: tool.id, toolName: tool.name, principal, arguments: { id: "42" }, expiresAt: new Date(Date.now() + 3600_000) } });
    return { id: approvalId, runId };
  }
  const byKey = await waitingCall({ projectId: project.id, projectSlug: project.slug, kind: "api_key", keyId: key.id, scopes: null }, { principalKind: "api_key", apiKeyId: key.id });
  const byMember = await waitingCall({ projectId: project.id, projectSlug: project.slug, kind: "dashboard", userId: people.member.id, scopes: null }, { principalKind: "dashboard", userId: people.member.id });

  return { database, db, env, org, globex, people, outsider, project, other, tool, otherTool, key, approvals: { byKey, byMember }, toolDefinition: TOOL };
}
