/** The project settings the tool-call path needs; read together with the credential. */
export type ProjectConfig = {
  id: string;
  slug: string;
  configVersion: number;
  requireMember: boolean;
  allowHttpUpstreams: boolean;
  allowedUpstreamHosts: string[];
  /** OAuth policy switch (DESIGN §11): false = no credential reaches the MCP endpoint */
  mcpEnabled: boolean;
};

export const projectConfigSelect = {
  id: true,
  slug: true,
  configVersion: true,
  requireMember: true,
  allowHttpUpstreams: true,
  allowedUpstreamHosts: true,
  mcpEnabled: true,
} as const;

/** The ProjectConfig of a hot-path row (API key or member session lookup). */
export function projectConfigFromRow(row: { projectId: string } & Omit<ProjectConfig, "id">): ProjectConfig {
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
