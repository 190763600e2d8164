/**
 * The Project columns the tool-call path needs, in one list: the prepared hot-path queries
 * select them (joined with the credential), Prisma reads select them (`projectConfigSelect`),
 * and `ProjectConfig` is their type. A setting the call path needs is added here once.
 */
export const PROJECT_CONFIG_COLUMNS = ["slug", "configVersion", "requireMember", "allowHttpUpstreams", "allowedUpstreamHosts", "mcpEnabled"] as const;

/** The project settings the tool-call path needs; read together with the credential. */
export type ProjectConfig = {
  id: string;
  slug: string;
  configVersion: number;
  requireMember: boolean;
  allowHttpUpstreams: boolean;
  allowedUpstreamHosts: string[];
  /** OAuth policy switch: false = no credential reaches the MCP endpoint */
  mcpEnabled: boolean;
};

/** The same columns as a hot-path row carries them: the project id as `projectId`. */
export type ProjectConfigColumns = { projectId: string } & Omit<ProjectConfig, "id">;

/** Prisma `select` for a `ProjectConfig`. */
export const projectConfigSelect = {
  id: true,
  ...(Object.fromEntries(PROJECT_CONFIG_COLUMNS.map((c) => [c, true])) as { [K in (typeof PROJECT_CONFIG_COLUMNS)[number]]: true }),
};

/** The SQL select list of the columns for a joined `"Project"` aliased `alias` (built once at load). */
export function projectConfigSql(alias: string): string {
  return [`${alias}.id AS "projectId"`, ...PROJECT_CONFIG_COLUMNS.map((c) => `${alias}."${c}"`)].join(", ");
}

/** The ProjectConfig of a hot-path row (API key, member session or OAuth connection lookup). */
export function projectConfigFromRow(row: ProjectConfigColumns): ProjectConfig {
  return {
    id: row.projectId,
    slug: row.slug,
    configVersion: row.configVersion,
    requireMember: row.requireMember,
    allowHttpUpstreams: row.allowHttpUpstreams,
    allowedUpstreamHosts: row.allowedUpstreamHosts,
    mcpEnabled: row.mcpEnabled,
  };
}
