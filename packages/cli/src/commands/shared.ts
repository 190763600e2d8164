import { readFile } from "node:fs/promises";
import { AppError, type AuditActor, getOrgForEmail, getProjectBySlugOrThrow, getProjectForEmail, recordAudit, type Role } from "@tengine/core";
import type { CliContext } from "../context.ts";
import type { OptionDef } from "../framework/define.ts";
import { UsageError } from "../usage-error.ts";

export type Project = Awaited<ReturnType<typeof getProjectBySlugOrThrow>>;

/** The CLI acts with database access, not as a user; the audit log says so. */
export const CLI_ACTOR: AuditActor = { email: "tengine CLI" };

export const projectOption: OptionDef = { flags: "--project <slug>", description: "the project's slug", required: true };

export const asOption: OptionDef = {
  flags: "--as <email>",
  description: "act as this person: their role in the organization is checked as in the dashboard, and the audit log names them",
};

/** `--project` resolved to the project (not found: exit 3). */
export function projectBySlug(ctx: CliContext, slug: string): Promise<Project> {
  return getProjectBySlugOrThrow(ctx.db, slug);
}

/**
 * Who a command acts as: the person named with `--as` (their account and role in the project's
 * organization, at least `minimum`), else the CLI itself, which has the database's access and
 * so an owner's role.
 */
export async function actingOnProject(ctx: CliContext, slug: string, as: string | undefined, minimum: Role): Promise<{ project: Project; actor: AuditActor; role: Role }> {
  if (!as) return { project: await projectBySlug(ctx, slug), actor: CLI_ACTOR, role: "owner" };
  const access = await getProjectForEmail(ctx.db, as, slug, minimum);
  return { project: await projectBySlug(ctx, slug), actor: { userId: access.user.id, email: access.user.email }, role: access.role };
}

/** Appends to the audit log of the project's organization. */
export function audit(ctx: CliContext, project: { id: string; orgId: string }, entry: { action: string; targetType: string; targetId: string; details?: Record<string, unknown>; actor?: AuditActor }) {
  return recordAudit(ctx.db, { orgId: project.orgId, projectId: project.id, actor: entry.actor ?? CLI_ACTOR, action: entry.action, targetType: entry.targetType, targetId: entry.targetId, details: entry.details });
}

/** `a, b,c` → [a, b, c]. */
export function splitList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** A repeatable list option: `--x a --x b,c` → [a, b, c]; `--x ''` → [] (clears the list). */
export function collectList(value: string, previous: unknown): string[] {
  return [...((previous as string[] | undefined) ?? []), ...splitList(value)];
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A JSON file named on the command line; unreadable or not JSON is one clear error. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new AppError("bad_request", `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const orgOption: OptionDef = { flags: "--org <slug>", description: "the organization's slug (default: the only one)" };

/**
 * The organization of `--org` (or the only one there is) and who acts on it, as
 * actingOnProject does for a project.
 */
export async function actingOnOrg(ctx: CliContext, orgSlug: string | undefined, as: string | undefined, minimum: Role) {
  let org: { id: string; slug: string; name: string } | null;
  if (orgSlug) {
    org = await ctx.db.organization.findUnique({ where: { slug: orgSlug }, select: { id: true, slug: true, name: true } });
    if (!org) throw new AppError("not_found", `organization "${orgSlug}" not found`);
  } else {
    const orgs = await ctx.db.organization.findMany({ take: 2, orderBy: { id: "asc" }, select: { id: true, slug: true, name: true } });
    if (orgs.length !== 1) throw new UsageError(orgs.length ? "there are several organizations: give --org <slug>" : "there is no organization yet: create a project first");
    org = orgs[0]!;
  }
  if (!as) return { org, actor: CLI_ACTOR, role: "owner" as Role };
  const access = await getOrgForEmail(ctx.db, as, org.slug, minimum);
  return { org, actor: { userId: access.user.id, email: access.user.email } as AuditActor, role: access.role };
}
