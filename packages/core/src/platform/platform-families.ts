import type { Role } from "../access/roles.ts";

/** Platform tools are named `tengine.platform/<family>`; no tool an admin defines can be (`/` is not allowed in tool names). */
export const PLATFORM_TOOL_PREFIX = "tengine.platform/";

/**
 * Where a family is served: `project` families on `/p/{slug}/mcp` act on that project;
 * `org` families on `/o/{org}/mcp` act on the organization (and `project_id` picks a project).
 */
export type PlatformSurface = "project" | "org";

/** One action of a family: whether it writes, the dashboard role it needs, and its subresources. */
export type PlatformActionSpec = {
  write: boolean;
  /** the lowest organization role that may do this in the dashboard (OAuth connections are held to it) */
  minRole: Role;
  /** allowed subresources; an action without any takes none */
  subresources?: readonly string[];
  /** the action removes or revokes something (annotated destructive; approval policy "destructive") */
  destructive?: boolean;
  /** the action exists only for its subresources (`rotate` of `signing_secrets`): one must be named */
  subresourceRequired?: boolean;
};

export type PlatformFamilySpec = {
  surface: PlatformSurface;
  title: string;
  description: string;
  actions: Readonly<Record<string, PlatformActionSpec>>;
};

const read = (minRole: Role = "viewer", subresources?: readonly string[]): PlatformActionSpec => ({ write: false, minRole, ...(subresources ? { subresources } : {}) });
const write = (minRole: Role, subresources?: readonly string[], destructive = false): PlatformActionSpec => ({ write: true, minRole, ...(subresources ? { subresources } : {}), ...(destructive ? { destructive } : {}) });

/**
 * The resource families, their actions and subresources. Minimum roles are the dashboard's
 * (its server actions' `withProjectRole` / `withOrgRole`), so an OAuth connection can do
 * through MCP exactly what its user can do in the dashboard.
 */
export const PLATFORM_FAMILIES = {
  tools: {
    surface: "project",
    title: "Tools of this project",
    description:
      "Lists, reads, creates, updates, enables, disables and deletes this project's tools. `get` with subresource `schema`, `template`, `scopes` or `approval` returns that part; `runs` returns the tool's runs (filters as for runs). `update` with a subresource changes only that part (`data` holds its fields).",
    actions: {
      list: read(),
      get: read("viewer", ["schema", "template", "scopes", "approval", "runs"]),
      create: write("member"),
      update: write("member", ["schema", "template", "scopes", "approval"]),
      enable: write("member"),
      disable: write("member"),
      delete: write("member", undefined, true),
    },
  },
  openapi: {
    surface: "project",
    title: "OpenAPI import",
    description: "Plans an import of an OpenAPI document (`data.document` as text, or `data.url`) and applies a plan by its id (`id`), exactly as the dashboard's importer.",
    actions: { plan: write("member"), apply: write("member") },
  },
  mcp_servers: {
    surface: "project",
    title: "External MCP servers of this project",
    description:
      "Lists, reads, adds, refreshes and removes this project's external MCP servers. `get`, `refresh` and `remove` take the server's id or name as `id`. `add` takes `data`: { name, url (Streamable HTTP) or catalog (an entry of the operator's catalog), headers?, credentials?, declare?, activation? } and lists the server's tools right away; header and credential values are stored encrypted and never shown again.",
    actions: { list: read(), get: read(), add: write("admin"), refresh: write("admin"), remove: write("admin", undefined, true) },
  },
  keys: {
    surface: "project",
    title: "API keys of this project",
    description: "Lists, creates and revokes this project's API keys. A created key's secret is returned once and never again.",
    actions: { list: read(), create: write("member"), revoke: write("member", undefined, true) },
  },
  runs: {
    surface: "project",
    title: "Run history",
    description: "Lists this project's runs, newest first, with the run history's filters (`filters`: toolName, status, principalKind, apiKeyId, memberId, userId, since, until, cursor, limit) and keyset pagination (`nextCursor`), or gets one run by `id`.",
    actions: { list: read(), get: read() },
  },
  approvals: {
    surface: "project",
    title: "Approvals",
    description: "Lists and reads calls waiting for approval. `decide` (`data`: { decision: approve|deny, reason? }) is for a person signed in with OAuth whose role may approve; never an API key, never the caller whose call waits.",
    actions: { list: read(), get: read(), decide: write("member") },
  },
  projects: {
    surface: "org",
    title: "Projects of this organization",
    description:
      "Lists, reads, creates and updates projects. `project_id` selects the project. Subresources: `settings`, `rate_limits`, `approval_policy`, `oauth_policy` (get, update), `signing_secrets` (get; create returns a new secret once; rotate returns the successor once and names the secret still signing, to retire once your verifier has the new one; update retires the one `id` names), `usage` (get).",
    actions: {
      list: read(),
      get: read("viewer", ["settings", "rate_limits", "approval_policy", "oauth_policy", "signing_secrets", "usage"]),
      create: write("admin", ["signing_secrets"]),
      rotate: { ...write("admin", ["signing_secrets"]), subresourceRequired: true },
      update: write("admin", ["settings", "rate_limits", "approval_policy", "oauth_policy", "signing_secrets"]),
    },
  },
  members: {
    surface: "org",
    title: "Members of this organization",
    description: "Lists the organization's members and their roles.",
    actions: { list: read() },
  },
  audit: {
    surface: "org",
    title: "Audit log",
    description: "Lists the organization's audit log, newest first (`filters`: cursor, limit).",
    actions: { list: read("admin") },
  },
} as const satisfies Record<string, PlatformFamilySpec>;

export type PlatformFamily = keyof typeof PLATFORM_FAMILIES;
export const PLATFORM_FAMILY_NAMES = Object.keys(PLATFORM_FAMILIES) as PlatformFamily[];

export function platformToolName(family: PlatformFamily): string {
  return `${PLATFORM_TOOL_PREFIX}${family}`;
}

export function isPlatformToolName(name: string): boolean {
  return name.startsWith(PLATFORM_TOOL_PREFIX);
}

export function actionSpec(family: PlatformFamily, action: unknown): PlatformActionSpec | undefined {
  if (typeof action !== "string") return undefined;
  const actions: Readonly<Record<string, PlatformActionSpec>> = PLATFORM_FAMILIES[family].actions;
  return Object.hasOwn(actions, action) ? actions[action] : undefined;
}
