import { randomBytes } from "node:crypto";
import { createApiKey, createInvitation, createProject, createSigningSecret, createTool, newId, type Principal, type Role, SecretBox, setMemberAssertionSecret, setProjectSecret } from "@tengine/core";
import type { Db } from "@tengine/db";

/** One organization with a project, people in every role, and one of each resource an action can touch. */
export type Tenant = Awaited<ReturnType<typeof createTenant>>;

let counter = 0;

async function user(db: Db, label: string) {
  return db.user.create({ data: { id: newId("user"), email: `${label}-${randomBytes(4).toString("hex")}@example.com`, name: label }, select: { id: true, email: true } });
}

async function member(db: Db, orgId: string, label: string, role: Role) {
  const person = await user(db, label);
  const membership = await db.membership.create({ data: { id: newId("membership"), orgId, userId: person.id, role } });
  return { ...person, membershipId: membership.id };
}

/**
 * A tenant as the dashboard would have built it (core functions, the real database): owner,
 * admin, member, viewer, a former admin whose membership was removed, and in its project an API key,
 * a tool, a pending approval, a signing secret, a member-assertion secret and the owner's
 * OAuth connection.
 */
export async function createTenant(db: Db, masterKey: string, name: string) {
  const n = ++counter;
  const secretBox = new SecretBox(masterKey);
  const org = await db.organization.create({ data: { id: newId("org"), name, slug: `${name.toLowerCase()}-${n}-${randomBytes(3).toString("hex")}` } });
  const owner = await member(db, org.id, `${name}-owner`, "owner");
  const admin = await member(db, org.id, `${name}-admin`, "admin");
  const memberUser = await member(db, org.id, `${name}-member`, "member");
  const viewer = await member(db, org.id, `${name}-viewer`, "viewer");
  const removed = await member(db, org.id, `${name}-removed`, "admin");
  await db.membership.delete({ where: { id: removed.membershipId } });
  const project = await createProject(db, { orgId: org.id, name: `${name} project` });
  const key = await createApiKey(db, project.id, { name: `${name} key` });
  const tool = await createTool(db, secretBox, project.id, { name: "send_invoice", description: "Sends an invoice", inputSchema: { type: "object" }, method: "POST", url: "http://127.0.0.1:9/invoices" });
  const signing = await createSigningSecret(db, secretBox, project.id);
  await setMemberAssertionSecret(db, secretBox, project.id);
  const { invitation } = await createInvitation(db, org.id, { role: "owner" }, { email: `invited-${name.toLowerCase().replace(/[^a-z0-9]/g, "")}@example.com`, role: "member" });
  const templateSecretName = "SPARE_TOKEN";
  await setProjectSecret(db, secretBox, project.id, templateSecretName, "spare-token-value");
  const principal: Principal = { projectId: project.id, projectSlug: project.slug, kind: "api_key", keyId: key.id, scopes: null };
  // A call waiting for a person, as the gateway records it (core requestApproval): its run and the approval.
  const runId = newId("run");
  const approvalId = newId("approval");
  await db.run.create({ data: { id: runId, projectId: project.id, toolId: tool.id, toolName: tool.name, status: "pending", principalKind: "api_key", apiKeyId: key.id, arguments: {} } });
  await db.approval.create({ data: { id: approvalId, projectId: project.id, runId, toolId: tool.id, toolName: tool.name, principal, arguments: {}, expiresAt: new Date(Date.now() + 60 * 60 * 1000) } });
  const client = await db.oAuthClient.create({ data: { id: newId("client"), name: `${name} client`, redirectUris: ["http://localhost:3118/callback"] } });
  const connection = await db.oAuthConnection.create({ data: { id: newId("connection"), projectId: project.id, userId: owner.id, clientId: client.id, scopes: [] } });
  // An external MCP server with one tool, as `addMcpServer` stores it after listing its tools.
  const mcpServerName = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}-docs`;
  await db.mcpServer.create({ data: { id: newId("mcpServer"), projectId: project.id, name: mcpServerName, transport: "http", url: "https://mcp.example.invalid/mcp", tools: [{ name: "search", inputSchema: { type: "object" } }] } });
  return {
    org: { id: org.id, slug: org.slug },
    project: { id: project.id, slug: project.slug },
    owner,
    admin,
    member: memberUser,
    viewer,
    removed,
    keyId: key.id,
    tool: { id: tool.id, name: tool.name },
    approvalId,
    signingKeyId: signing.keyid,
    connectionId: connection.id,
    mcpServerName,
    templateSecretName,
    invitationId: invitation.id,
  };
}
