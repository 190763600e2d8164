import { createInterface } from "node:readline/promises";
import { AppError, createOrganization, createProject, deleteProject, readRateLimits, setToolDiscovery, settingsAudit, TOOL_DISCOVERY_MODES, type ToolDiscoveryMode, updateProjectSettings } from "@tengine/core";
import { gatewayUrl } from "../env.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { oneOf, UsageError, wholeNumber } from "../usage-error.ts";
import { actingOnProject, asOption, audit, readStdin, splitList } from "./shared.ts";

const mcpUrl = (slug: string) => `${gatewayUrl}/p/${slug}/mcp`;

const create = defineCommand<{ slug?: string; org?: string; allowHttp?: boolean; allowedHosts?: string }>({
  name: "create",
  summary: "create a project",
  args: [{ name: "name", description: "the project's name" }],
  options: [
    { flags: "--slug <slug>", description: "URL slug (default: from the name)" },
    { flags: "--org <slug>", description: "organization slug (default: the first one)" },
    { flags: "--allow-http", description: "allow plain-http upstream URLs (local development)" },
    { flags: "--allowed-hosts <hosts>", description: "comma-separated upstream hosts tools may call" },
  ],
  examples: ['tengine projects create "Acme CRM" --allowed-hosts api.acme.example'],
  json: "{ id, slug, name, orgId, mcpUrl }",
  async run(ctx, { args, opts, json }) {
    const org = opts.org
      ? await ctx.db.organization.findUnique({ where: { slug: opts.org } })
      : ((await ctx.db.organization.findFirst({ orderBy: { id: "asc" } })) ?? (await createOrganization(ctx.db, { name: "Default workspace" })));
    if (!org) throw new AppError("not_found", `organization "${opts.org}" not found`);
    const project = await createProject(ctx.db, { orgId: org.id, name: args.name!, slug: opts.slug, allowHttpUpstreams: opts.allowHttp ?? false, allowedUpstreamHosts: splitList(opts.allowedHosts) });
    await audit(ctx, project, { action: "project.create", targetType: "project", targetId: project.id, details: { name: project.name, slug: project.slug } });
    print(json, { id: project.id, slug: project.slug, name: project.name, orgId: org.id, mcpUrl: mcpUrl(project.slug) });
  },
});

const list = defineCommand<{ org?: string }>({
  name: "list",
  summary: "list projects",
  options: [{ flags: "--org <slug>", description: "only this organization's projects" }],
  examples: ["tengine projects list", "tengine projects list --org acme --json"],
  json: "[{ id, slug, name, orgId, createdAt }] oldest first",
  async run(ctx, { opts, json }) {
    const org = opts.org ? await ctx.db.organization.findUnique({ where: { slug: opts.org }, select: { id: true } }) : null;
    if (opts.org && !org) throw new AppError("not_found", `organization "${opts.org}" not found`);
    const rows = await ctx.db.project.findMany({ where: org ? { orgId: org.id } : {}, orderBy: { id: "asc" }, select: { id: true, slug: true, name: true, orgId: true, createdAt: true } });
    print(json, rows, { rows, columns: ["slug", "name", "id", "createdAt"] });
  },
});

const get = defineCommand({
  name: "get",
  summary: "one project: settings, limits, approval policy and counts",
  args: [{ name: "slug", description: "the project's slug" }],
  examples: ["tengine projects get acme-crm --json"],
  json: "{ id, slug, name, orgId, mcpUrl, allowedUpstreamHosts, allowHttpUpstreams, requireMember, mcpEnabled, approvalPolicy, runRetentionDays, rateLimits, tools, apiKeys, createdAt }",
  async run(ctx, { args, json }) {
    const project = await ctx.db.project.findUnique({
      where: { slug: args.slug! },
      select: { id: true, slug: true, name: true, orgId: true, allowedUpstreamHosts: true, allowHttpUpstreams: true, requireMember: true, mcpEnabled: true, approvalPolicy: true, runRetentionDays: true, rateLimits: true, createdAt: true, _count: { select: { tools: true, apiKeys: true } } },
    });
    if (!project) throw new AppError("not_found", `project "${args.slug}" not found`);
    const { _count, rateLimits, ...rest } = project;
    print(json, { ...rest, mcpUrl: mcpUrl(project.slug), rateLimits: readRateLimits(rateLimits), tools: _count.tools, apiKeys: _count.apiKeys });
  },
});

const update = defineCommand<{ name?: string; allowedHosts?: string; allowHttp?: boolean; requireMember?: boolean; toolDiscovery?: ToolDiscoveryMode; discoveryThreshold?: number; pin?: string; as?: string }>({
  name: "update",
  summary: "change a project's name, allowed upstream hosts, plain-http rule, member requirement or tool discovery",
  details: "Options left out stay as they are. Gateways apply the change from their next call. --tool-discovery sets how tools/list shows the tools: list (all of them), search (three built-ins that search, describe and call them), auto (search once a caller would see more than the threshold) or families (one tool per OpenAPI tag).",
  args: [{ name: "slug", description: "the project's slug" }],
  options: [
    { flags: "--name <name>", description: "the new name (the slug stays)" },
    { flags: "--allowed-hosts <hosts>", description: "comma-separated upstream hosts tools may call ('' = any host)" },
    { flags: "--allow-http", description: "allow plain-http upstream URLs" },
    { flags: "--no-allow-http", description: "refuse plain-http upstream URLs" },
    { flags: "--require-member", description: "refuse calls without a member identity" },
    { flags: "--no-require-member", description: "accept calls without a member identity" },
    { flags: "--tool-discovery <mode>", description: "how tools/list shows the tools", choices: TOOL_DISCOVERY_MODES, parse: oneOf("--tool-discovery", TOOL_DISCOVERY_MODES) },
    { flags: "--discovery-threshold <n>", description: "auto: search above this many tools a caller can see (default 60)", parse: wholeNumber("--discovery-threshold", 1, 100_000) },
    { flags: "--pin <tools>", description: "comma-separated tools listed in every discovery mode ('' = none)" },
    asOption,
  ],
  examples: ["tengine projects update acme-crm --name \"Acme CRM (prod)\" --allowed-hosts api.acme.example,billing.acme.example --no-allow-http", "tengine projects update acme-crm --tool-discovery auto --discovery-threshold 60 --pin search_contacts"],
  json: "{ slug, changed: string[], before: {…changed fields}, after: {…changed fields} } (with discovery options also toolDiscovery, discoveryThreshold, pinnedTools)",
  async run(ctx, { args, opts, json }) {
    const { project, actor } = await actingOnProject(ctx, args.slug!, opts.as, "admin");
    const input = {
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      ...(opts.allowedHosts !== undefined ? { allowedUpstreamHosts: splitList(opts.allowedHosts) } : {}),
      ...(opts.allowHttp !== undefined ? { allowHttpUpstreams: opts.allowHttp } : {}),
      ...(opts.requireMember !== undefined ? { requireMember: opts.requireMember } : {}),
    };
    const discovery = {
      ...(opts.toolDiscovery !== undefined ? { toolDiscovery: opts.toolDiscovery } : {}),
      ...(opts.discoveryThreshold !== undefined ? { toolDiscoveryThreshold: opts.discoveryThreshold } : {}),
      ...(opts.pin !== undefined ? { pinnedTools: splitList(opts.pin) } : {}),
    };
    if (Object.keys(input).length === 0 && Object.keys(discovery).length === 0) {
      throw new UsageError("nothing to change: give --name, --allowed-hosts, --allow-http/--no-allow-http, --require-member/--no-require-member, --tool-discovery, --discovery-threshold or --pin");
    }
    const entry = Object.keys(input).length ? settingsAudit(project.id, await updateProjectSettings(ctx.db, project.id, input)) : null;
    if (entry) await audit(ctx, project, { ...entry, actor });
    const changed: string[] = [...((entry?.details.changed as string[] | undefined) ?? [])];
    const before: Record<string, unknown> = { ...(entry?.details.before ?? {}) };
    const after: Record<string, unknown> = { ...(entry?.details.after ?? {}) };
    if (Object.keys(discovery).length) {
      const d = await setToolDiscovery(ctx.db, project.id, discovery);
      if (d.changed.length) {
        await audit(ctx, project, { action: "project.settings_update", targetType: "project", targetId: project.id, details: { changed: d.changed, before: d.before, after: d.after }, actor });
        changed.push(...d.changed);
        const named = (v: typeof d.before): Record<string, unknown> => ({ toolDiscovery: v.mode, toolDiscoveryThreshold: v.threshold, pinnedTools: v.pinned });
        for (const key of d.changed) {
          before[key] = named(d.before)[key];
          after[key] = named(d.after)[key];
        }
      }
      print(json, { slug: project.slug, changed, before, after, toolDiscovery: d.after.mode, discoveryThreshold: d.after.threshold, pinnedTools: d.after.pinned });
      return;
    }
    print(json, { slug: project.slug, changed, before, after });
  },
});

const remove = defineCommand<{ yes?: boolean; as?: string }>({
  name: "delete",
  summary: "delete a project with its tools, keys, secrets, runs and approvals",
  details: "Asks you to type the project's slug to confirm (read from standard input when it is not a terminal); --yes skips the question. Nothing is deleted when the answer differs.",
  args: [{ name: "slug", description: "the project's slug" }],
  options: [{ flags: "--yes", description: "do not ask for confirmation" }, asOption],
  examples: ["tengine projects delete acme-crm", "tengine projects delete acme-crm --yes --json"],
  json: "{ id, slug, name, deleted: true }",
  async run(ctx, { args, opts, json }) {
    const { project, actor } = await actingOnProject(ctx, args.slug!, opts.as, "admin");
    if (!opts.yes) {
      const answer = await confirmation(`Deleting project ${project.slug} deletes its tools, keys, secrets, runs and approvals. Type ${project.slug} to confirm: `);
      if (answer !== project.slug) throw new UsageError(`confirmation "${answer}" is not "${project.slug}": nothing was deleted (or pass --yes)`);
    }
    const deleted = await deleteProject(ctx.db, { projectId: project.id, actor });
    print(json, { id: deleted.id, slug: deleted.slug, name: deleted.name, deleted: true });
  },
});

/** One line typed at the terminal, or the first line of standard input. */
async function confirmation(question: string): Promise<string> {
  if (!process.stdin.isTTY) return ((await readStdin()).split("\n")[0] ?? "").trim();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export const projectsGroup = defineGroup({ name: "projects", summary: "projects (the isolation unit)", commands: [create, list, get, update, remove] });

