import type { ApprovalPolicy, Db } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import { loadProjectSecrets } from "../secrets/project-secrets.ts";
import { loadSigningKey } from "../signing/signing-secrets.ts";
import { readRateLimits } from "../limits/check-rate-limits.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import { federatedTools } from "../federation/federated-tools.ts";
import { type McpServerRuntime, toServerRuntime } from "../federation/mcp-server-runtime.ts";
import { PreparedTool } from "./prepared-tool.ts";
import { type ToolDiscoverySettings, toolDiscoveryOf } from "../discovery/discovery-settings.ts";

/** A project's enabled tools, signing key and template secrets, as of one config version. */
export type ProjectRuntime = {
  version: number;
  tools: Map<string, PreparedTool>;
  /** in name order, for tools/list */
  toolList: PreparedTool[];
  signingKey: { keyid: string; secret: string } | null;
  secrets: Record<string, string>;
  /** `Project.rateLimits`, parsed (null = unlimited) */
  rateLimits: RateLimits | null;
  /** `Project.approvalPolicy`: which calls wait for a person besides requiresApproval tools */
  approvalPolicy: ApprovalPolicy;
  /** how tools/list presents the tools (`Project.toolDiscovery` and its threshold, pinned tools) */
  discovery: ToolDiscoverySettings;
  /** the project's external MCP servers; their tools are in `tools` too */
  mcpServers: McpServerRuntime[];
};

/**
 * Per-process cache of project runtimes. The caller passes the project's current
 * `configVersion` (read with the credential on every call), so a cached entry is used only
 * while it is exact; any change to tools or secrets bumps the version and the next call
 * reloads. Concurrent misses share one load.
 */
export class ProjectRuntimeCache {
  readonly #entries = new Map<string, Promise<ProjectRuntime>>();
  /** the settled value of each entry's promise, once it has one (`current`) */
  readonly #ready = new Map<string, ProjectRuntime>();
  readonly #maxProjects: number;

  readonly #onLoad: ((projectId: string, runtime: ProjectRuntime) => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
    /** `onLoad`: told of every freshly loaded version (the MCP pool reconciles its connections); must not throw */
    options: { maxProjects?: number; onLoad?: (projectId: string, runtime: ProjectRuntime) => void } = {},
  ) {
    this.#maxProjects = options.maxProjects ?? 1000;
    this.#onLoad = options.onLoad;
  }

  /** The process's SecretBox: what in-process tool kinds (platform tools) encrypt with. */
  get secrets(): SecretBox {
    return this.secretBox;
  }

  /**
   * The loaded runtime of this version (or newer), without waiting: what every call of a warm
   * project finds. `get` is the same with loading; the call path tries this first, so a warm
   * call spends no promise on it.
   */
  current(projectId: string, version: number): ProjectRuntime | undefined {
    const ready = this.#ready.get(projectId);
    return ready && ready.version >= version ? ready : undefined;
  }

  async get(projectId: string, version: number): Promise<ProjectRuntime> {
    const cached = this.#entries.get(projectId);
    if (cached) {
      const runtime = await cached.catch(() => undefined);
      if (runtime && runtime.version >= version) return runtime;
      if (this.#entries.get(projectId) !== cached) return this.get(projectId, version);
    }
    const loading = this.#load(projectId, version);
    if (this.#onLoad) loading.then((runtime) => this.#onLoad?.(projectId, runtime), () => {});
    this.#entries.delete(projectId); // re-insert: Map order is our LRU order
    this.#entries.set(projectId, loading);
    loading.then(
      (runtime) => this.#entries.get(projectId) === loading && this.#ready.set(projectId, runtime),
      () => this.#entries.get(projectId) === loading && this.#entries.delete(projectId),
    );
    if (this.#entries.size > this.#maxProjects) {
      const oldest = this.#entries.keys().next().value!;
      this.#entries.delete(oldest);
      this.#ready.delete(oldest);
    }
    return loading;
  }

  async #load(projectId: string, version: number): Promise<ProjectRuntime> {
    const [rows, signingKey, secrets, project, serverRows] = await Promise.all([
      this.db.tool.findMany({ where: { projectId, enabled: true }, orderBy: { name: "asc" } }),
      loadSigningKey(this.db, this.secretBox, projectId),
      loadProjectSecrets(this.db, this.secretBox, projectId),
      this.db.project.findUnique({ where: { id: projectId }, select: { rateLimits: true, approvalPolicy: true, toolDiscovery: true, toolDiscoveryThreshold: true, pinnedTools: true, allowHttpUpstreams: true, allowedUpstreamHosts: true } }),
      this.db.mcpServer.findMany({ where: { projectId }, orderBy: { name: "asc" } }),
    ]);
    const toolList = rows.map((row) => new PreparedTool(row, this.secretBox));
    // Federated tools after the HTTP ones: a name an HTTP tool has stays the HTTP tool's.
    const mcpServers = serverRows.map((row) => toServerRuntime(row, this.secretBox, { allowHttpUpstreams: project?.allowHttpUpstreams ?? false, allowedUpstreamHosts: project?.allowedUpstreamHosts ?? [] }));
    const taken = new Set(toolList.map((t) => t.name));
    for (const server of mcpServers) {
      const { tools } = federatedTools(server, taken);
      for (const tool of tools) {
        taken.add(tool.name);
        toolList.push(tool);
      }
    }
    toolList.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { version, tools: new Map(toolList.map((t) => [t.name, t])), toolList, signingKey, secrets, rateLimits: readRateLimits(project?.rateLimits), approvalPolicy: project?.approvalPolicy ?? "none", discovery: toolDiscoveryOf(project), mcpServers };
  }
}
