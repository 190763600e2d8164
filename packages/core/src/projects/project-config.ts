/** The project settings the tool-call path needs; read together with the credential. */
export type ProjectConfig = {
  id: string;
  slug: string;
  configVersion: number;
  requireMember: boolean;
  allowHttpUpstreams: boolean;
  allowedUpstreamHosts: string[];
};

export const projectConfigSelect = {
  id: true,
  slug: true,
  configVersion: true,
  requireMember: true,
  allowHttpUpstreams: true,
  allowedUpstreamHosts: true,
} as const;
