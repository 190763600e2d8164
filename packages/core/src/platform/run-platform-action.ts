import type { Db } from "@tengine/db";
import { z } from "zod";
import { type Role, roleAtLeast } from "../access/roles.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import { AppError, isAppError } from "../errors/app-error.ts";
import type { McpPool } from "../federation/mcp-pool.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import type { Principal } from "../principal/principal.ts";
import { approvalsFamily } from "./families/approvals-family.ts";
import { keysFamily } from "./families/keys-family.ts";
import { mcpServersFamily } from "./families/mcp-servers-family.ts";
import { openapiFamily } from "./families/openapi-family.ts";
import { auditFamily, membersFamily } from "./families/org-families.ts";
import { projectsFamily } from "./families/projects-family.ts";
import { runsFamily } from "./families/runs-family.ts";
import { toolsFamily } from "./families/tools-family.ts";
import type { PlatformAnswer, PlatformCall, PlatformHandler } from "./platform-call.ts";
import { actionSpec, type PlatformFamily } from "./platform-families.ts";
import type { PlatformArgs } from "./platform-tool.ts";
import { redactSecrets } from "./platform-tool.ts";
import { assertMayGrantScopes } from "./platform-grants.ts";

const HANDLERS: Record<PlatformFamily, PlatformHandler> = {
  tools: toolsFamily,
  openapi: openapiFamily,
  mcp_servers: mcpServersFamily,
  keys: keysFamily,
  runs: runsFamily,
  approvals: approvalsFamily,
  projects: projectsFamily,
  members: membersFamily,
  audit: auditFamily,
};

export type PlatformServices = { db: Db; secretBox: SecretBox; pubsub?: PubSub; mcp?: McpPool };

/** How an action ended: its answer, or the rule that refused it (nothing changed). */
export type PlatformOutcome = { ok: true; answer: PlatformAnswer } | { ok: false; status: number; message: string };

/**
 * Runs one platform action for a principal whose scopes the pipeline already checked. A
 * person (OAuth connection) is held to their current role in the organization, exactly as the
 * dashboard holds them; then the family's handler runs the same core functions as the
 * dashboard's server actions. Every action that ran, refused or not, is in the audit log,
 * attributed to the credential (and to the user behind an OAuth connection).
 */
export async function runPlatformAction(services: PlatformServices, input: { family: PlatformFamily; args: PlatformArgs; principal: Principal; projectId: string; runId: string }): Promise<PlatformOutcome> {
  const { db } = services;
  const { family, args, principal, runId } = input;
  const spec = actionSpec(family, args.action);
  if (!spec) return { ok: false, status: 400, message: `unknown action ${args.action}` };
  const project = await db.project.findUnique({ where: { id: input.projectId }, select: { id: true, slug: true, org: { select: { id: true, slug: true } } } });
  if (!project) return { ok: false, status: 404, message: "project not found" };
  const { org } = project;

  let role: Role | null = null;
  let email: string | undefined;
  if (principal.kind === "oauth" || principal.kind === "dashboard") {
    const membership = principal.userId ? await db.membership.findUnique({ where: { orgId_userId: { orgId: org.id, userId: principal.userId } }, select: { role: true, user: { select: { email: true } } } }) : null;
    if (!membership) return { ok: false, status: 403, message: "you are no longer a member of this organization" };
    role = membership.role as Role;
    email = membership.user.email;
  }
  const actor = principal.userId ? { userId: principal.userId, ...(email ? { email } : {}) } : {};
  const call: PlatformCall = { ...services, family, spec, args, principal, project: { id: project.id, slug: project.slug }, org, role, actor, runId };

  let outcome: PlatformOutcome;
  try {
    if (role !== null && !roleAtLeast(role, spec.minRole)) throw new AppError("forbidden", `${family} ${args.action} needs the ${spec.minRole} role; you are ${role === "admin" ? "an" : "a"} ${role}`);
    if (family === "keys" && args.action === "create") assertMayGrantScopes(scopesOf(args.data), role === null ? { scopes: principal.scopes ?? [] } : { role });
    outcome = { ok: true, answer: await HANDLERS[family](call) };
  } catch (error) {
    if (isAppError(error)) outcome = { ok: false, status: error.status, message: error.message };
    else if (error instanceof z.ZodError) outcome = { ok: false, status: 400, message: `invalid data: ${error.issues.map((i) => `${i.path.join(".") || "data"} ${i.message}`).join("; ")}` };
    else throw error;
  }

  const audit = outcome.ok ? outcome.answer.audit : undefined;
  if (!audit?.recorded) {
    const base = { orgId: org.id, projectId: audit?.projectId === undefined ? project.id : (audit.projectId ?? undefined), actor };
    await recordAudit(db, {
      ...base,
      action: (outcome.ok && audit?.action) || `platform.${family}.${args.action}`,
      ...(audit?.targetType ? { targetType: audit.targetType } : {}),
      ...(audit?.targetId ? { targetId: audit.targetId } : {}),
      details: {
        via: "mcp",
        runId,
        credential: credentialOf(principal),
        call: redactSecrets({ action: args.action, ...(args.subresource ? { subresource: args.subresource } : {}), ...(args.id ? { id: args.id } : {}), ...(args.project_id ? { project_id: args.project_id } : {}) }),
        ...(outcome.ok ? audit?.details : { refused: outcome.message }),
      },
    });
  }
  return outcome;
}

function scopesOf(data: unknown): string[] {
  const scopes = data && typeof data === "object" ? (data as { scopes?: unknown }).scopes : undefined;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === "string") : [];
}

/** The credential an audit entry is attributed to: ids only, never a secret. */
function credentialOf(p: Principal) {
  return { kind: p.kind, ...(p.keyId ? { apiKeyId: p.keyId } : {}), ...(p.memberId ? { memberId: p.memberId } : {}), ...(p.userId ? { userId: p.userId } : {}), ...(p.clientId ? { clientId: p.clientId } : {}), ...(p.connectionId ? { connectionId: p.connectionId } : {}) };
}
