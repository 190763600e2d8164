import { addMember, AppError, changeMemberRole, createInvitation, listMembers, memberAudit, recordAudit, removeMember, ROLES } from "@tengine/core";
import type { CliContext } from "../context.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { dashboardUrl } from "../env.ts";
import { print } from "../output.ts";
import { actingOnOrg, asOption, orgOption } from "./shared.ts";

const MEMBER_JSON = "{ id, userId, email, name, role, joinedAt }";

async function memberByEmail(ctx: CliContext, orgId: string, orgSlug: string, email: string) {
  const member = (await listMembers(ctx.db, orgId)).find((m) => m.email === email.trim().toLowerCase());
  if (!member) throw new AppError("not_found", `${email} is not a member of organization "${orgSlug}"`);
  return member;
}

const list = defineCommand<{ org?: string }>({
  name: "list",
  summary: "the organization's members and their roles",
  options: [orgOption],
  examples: ["tengine members list --org acme"],
  json: `[${MEMBER_JSON}]`,
  async run(ctx, { opts, json }) {
    const { org } = await actingOnOrg(ctx, opts.org, undefined, "viewer");
    const rows = await listMembers(ctx.db, org.id);
    print(json, rows, { rows, columns: ["email", "role", "name", "joinedAt", "id"] });
  },
});

const add = defineCommand<{ org?: string; role: (typeof ROLES)[number]; name?: string; as?: string }>({
  name: "add",
  summary: "add a person by email; a new account gets a temporary password, shown once",
  details: "Admins add members and viewers; only owners add admins and owners.",
  args: [{ name: "email", description: "the person's email" }],
  options: [orgOption, { flags: "--role <role>", description: `the role (${ROLES.join(", ")})`, choices: ROLES, default: "member" }, { flags: "--name <name>", description: "their name, for a new account" }, asOption],
  examples: ["tengine members add dana@acme.example --org acme --role viewer"],
  json: "{ email, role, userCreated, temporaryPassword? }",
  async run(ctx, { args, opts, json }) {
    const { org, actor, role } = await actingOnOrg(ctx, opts.org, opts.as, "admin");
    const result = await addMember(ctx.db, org.id, role, { email: args.email!, role: opts.role, ...(opts.name ? { name: opts.name } : {}) });
    await recordAudit(ctx.db, { orgId: org.id, actor, ...memberAudit.add(result.member, result.userCreated) });
    print(json, { email: result.member.email, role: result.member.role, userCreated: result.userCreated, ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}) });
  },
});

const role = defineCommand<{ org?: string; as?: string }>({
  name: "role",
  summary: "give a member another role",
  details: "Admins change members and viewers; owners anyone. The last owner keeps the owner role.",
  args: [{ name: "email", description: "the member's email" }, { name: "role", description: `the new role (${ROLES.join(", ")})` }],
  options: [orgOption, asOption],
  examples: ["tengine members role dana@acme.example admin --org acme"],
  json: `{ member: ${MEMBER_JSON}, previousRole }`,
  async run(ctx, { args, opts, json }) {
    const newRole = args.role as (typeof ROLES)[number];
    if (!(ROLES as readonly string[]).includes(newRole)) throw new AppError("bad_request", `role must be one of ${ROLES.join(", ")} (got "${args.role}")`);
    const { org, actor, role: actorRole } = await actingOnOrg(ctx, opts.org, opts.as, "admin");
    const target = await memberByEmail(ctx, org.id, org.slug, args.email!);
    const { member, previousRole } = await changeMemberRole(ctx.db, org.id, actorRole, target.id, newRole);
    const entry = memberAudit.roleChange(member, previousRole);
    if (entry) await recordAudit(ctx.db, { orgId: org.id, actor, ...entry });
    print(json, { member, previousRole });
  },
});

const remove = defineCommand<{ org?: string; as?: string }>({
  name: "remove",
  summary: "take a person out of the organization",
  details: "Same rules as role changes; never the last owner.",
  args: [{ name: "email", description: "the member's email" }],
  options: [orgOption, asOption],
  examples: ["tengine members remove dana@acme.example --org acme"],
  json: `{ removed: ${MEMBER_JSON} }`,
  async run(ctx, { args, opts, json }) {
    const { org, actor, role } = await actingOnOrg(ctx, opts.org, opts.as, "admin");
    const target = await memberByEmail(ctx, org.id, org.slug, args.email!);
    const member = await removeMember(ctx.db, org.id, role, target.id);
    await recordAudit(ctx.db, { orgId: org.id, actor, ...memberAudit.remove(member) });
    print(json, { removed: member });
  },
});

const invite = defineCommand<{ org?: string; role: (typeof ROLES)[number]; as?: string }>({
  name: "invite",
  summary: "an invitation link for an email and role: they choose their own password when they open it",
  details: "The link works once, for 7 days; it is printed once (only its hash is kept). It points at PUBLIC_DASHBOARD_URL (default http://localhost:3000). Admins invite members and viewers; only owners invite admins and owners.",
  args: [{ name: "email", description: "the person's email" }],
  options: [orgOption, { flags: "--role <role>", description: `the role (${ROLES.join(", ")})`, choices: ROLES, default: "member" }, asOption],
  examples: ["tengine members invite grace@acme.example --org acme --role viewer"],
  json: "{ email, role, link, expiresAt }",
  async run(ctx, { args, opts, json }) {
    const { org, actor, role: actorRole } = await actingOnOrg(ctx, opts.org, opts.as, "admin");
    const { invitation, token } = await createInvitation(ctx.db, org.id, { role: actorRole, ...(actor.userId ? { userId: actor.userId } : {}) }, { email: args.email!, role: opts.role });
    await recordAudit(ctx.db, { orgId: org.id, actor, action: "invitation.create", targetType: "invitation", targetId: invitation.id, details: { email: invitation.email, role: invitation.role } });
    print(json, { email: invitation.email, role: invitation.role, link: `${dashboardUrl}/invite/${token}`, expiresAt: invitation.expiresAt });
  },
});

export const membersGroup = defineGroup({ name: "members", summary: "people of an organization and their roles", commands: [list, add, invite, role, remove] });
