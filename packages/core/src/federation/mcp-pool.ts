import { type CallToolResult, ProtocolError } from "@modelcontextprotocol/client";
import { type CallHeaders, type ConnectionEnv, McpConnection, McpRefusedError } from "./mcp-connection.ts";
import type { UpstreamTool } from "./mcp-server-config.ts";
import type { McpServerRuntime } from "./mcp-server-runtime.ts";

export type McpPoolOptions = ConnectionEnv & {
  /** calls in flight per server; more wait in a bounded queue */
  maxConcurrent?: number;
  maxQueued?: number;
  /** consecutive failures that open the circuit, and how long it stays open */
  breakerFailures?: number;
  breakerCooldownMs?: number;
  /** restart backoff of a server that died: base, doubled per consecutive death, capped */
  restartBaseMs?: number;
  restartCapMs?: number;
  /** told when a server's tools/list changed (its `list_changed`); must not throw */
  onToolsChanged?: (server: McpServerRuntime, tools: UpstreamTool[], protocolVersion: string | undefined) => void;
  /** told when a server's health changes; must not throw */
  onStatus?: (server: McpServerRuntime, status: "ok" | "error", error?: string) => void;
};

/** How a federated call ended before or while reaching its server. */
export type McpSendResult =
  | { ok: true; result: CallToolResult; upstreamMs: number; secretValues: string[] }
  /** refused: nothing was sent (circuit open, missing credential, refused URL, queue full) */
  | { ok: false; kind: "refused"; message: string; upstreamMs: 0; secretValues: string[] }
  /** sent or maybe sent: the server may have acted */
  | { ok: false; kind: "unreachable"; message: string; upstreamMs: number; secretValues: string[] };

export type McpHealth = { state: "idle" | "connected" | "down"; lastError?: string };

type Entry = {
  server: McpServerRuntime;
  connection?: Promise<McpConnection>;
  inFlight: number;
  queue: Array<() => void>;
  failures: number;
  openUntil: number;
  deaths: number;
  restartAt: number;
  lastError?: string;
};

/**
 * The connections of one process to the projects' MCP servers: made lazily, one per server
 * (and per config version of it), with bounded concurrency, timeouts, a circuit breaker and
 * restart backoff, so a dead server costs a failed call and never a hung gateway.
 */
export class McpPool {
  readonly #entries = new Map<string, Entry>();
  readonly #options: Required<Omit<McpPoolOptions, "onToolsChanged" | "onStatus" | "allowlist">> & McpPoolOptions;

  constructor(options: McpPoolOptions) {
    this.#options = { maxConcurrent: 16, maxQueued: 64, breakerFailures: 3, breakerCooldownMs: 10_000, restartBaseMs: 500, restartCapMs: 30_000, ...options };
  }

  /** The operator's settings an admin operation checks a new server against (catalog, SSRF), as this pool connects with them. */
  get adminSettings(): { catalog: ConnectionEnv["catalog"]; allowPrivate: boolean; allowlist?: ConnectionEnv["allowlist"] } {
    const { catalog, allowPrivate, allowlist } = this.#options;
    return { catalog, allowPrivate, ...(allowlist ? { allowlist } : {}) };
  }

  /** Connects if needed and lists the server's tools now (add, refresh, `list_changed`). */
  async listTools(server: McpServerRuntime, timeoutMs = 15_000): Promise<{ ok: true; tools: UpstreamTool[]; protocolVersion: string | undefined } | { ok: false; message: string }> {
    try {
      const connection = await this.#connect(this.#entry(server), { ignoreBackoff: true });
      const tools = await connection.listTools(timeoutMs);
      return { ok: true, tools, protocolVersion: connection.protocolVersion };
    } catch (error) {
      const message = errorMessage(error);
      this.#failed(this.#entry(server), message);
      return { ok: false, message };
    }
  }

  /** One tools/call on the server: the circuit, the concurrency bound and the timeout apply. */
  async callTool(server: McpServerRuntime, call: { name: string; args: Record<string, unknown>; meta: Record<string, unknown> & { "tengine/runId": string }; headers: CallHeaders; timeoutMs: number }): Promise<McpSendResult> {
    const entry = this.#entry(server);
    const now = Date.now();
    if (entry.openUntil > now) {
      return { ok: false, kind: "refused", message: `MCP server ${server.name} is unavailable (${entry.lastError ?? "recent calls failed"}); the gateway retries it in ${Math.ceil((entry.openUntil - now) / 1000)} s`, upstreamMs: 0, secretValues: [] };
    }
    if (entry.inFlight >= this.#options.maxConcurrent && entry.queue.length >= this.#options.maxQueued) {
      return { ok: false, kind: "refused", message: `MCP server ${server.name} has too many calls in flight; retry shortly`, upstreamMs: 0, secretValues: [] };
    }
    let connection: McpConnection;
    try {
      connection = await this.#connect(entry, { ignoreBackoff: false });
    } catch (error) {
      const message = errorMessage(error);
      this.#failed(entry, message);
      return { ok: false, kind: "refused", message, upstreamMs: 0, secretValues: [] };
    }
    await this.#acquire(entry);
    const started = performance.now();
    try {
      const result = (await connection.callTool(call.name, call.args, call.meta, call.headers, call.timeoutMs)) as CallToolResult;
      entry.failures = 0;
      if (entry.lastError) {
        entry.lastError = undefined;
        this.#options.onStatus?.(entry.server, "ok");
      }
      return { ok: true, result, upstreamMs: performance.now() - started, secretValues: connection.secretValues };
    } catch (error) {
      // Cut off by the connection closing (a limit stopped the child, it exited): say why.
      const message = `MCP server ${server.name} did not answer tools/call: ${connection.closed && connection.closeReason ? connection.closeReason : errorMessage(error)}`;
      // A protocol error answer (invalid params, unknown tool) is the server speaking: not a failure of the connection.
      if (isProtocolAnswer(error)) return { ok: false, kind: "unreachable", message, upstreamMs: performance.now() - started, secretValues: connection.secretValues };
      this.#failed(entry, message);
      void this.#drop(entry, connection);
      return { ok: false, kind: "unreachable", message, upstreamMs: performance.now() - started, secretValues: connection.secretValues };
    } finally {
      this.#release(entry);
    }
  }

  health(serverId: string): McpHealth {
    const entry = this.#entries.get(serverId);
    if (!entry) return { state: "idle" };
    if (entry.lastError) return { state: "down", lastError: entry.lastError };
    return { state: entry.connection ? "connected" : "idle" };
  }

  /**
   * The project's servers as of its current config version: connections of removed servers, or
   * of an older version of a server, are closed; new ones connect in the background (to hear
   * their `list_changed`).
   */
  reconcile(projectId: string, servers: readonly McpServerRuntime[]) {
    const current = new Map(servers.map((s) => [s.id, s]));
    for (const [id, entry] of this.#entries) {
      if (entry.server.projectId !== projectId) continue;
      const next = current.get(id);
      if (!next || next.version !== entry.server.version) {
        this.#entries.delete(id);
        void entry.connection?.then((c) => c.close("the server's configuration changed"), () => {});
      }
    }
    for (const server of servers) {
      if (this.#entries.has(server.id)) continue;
      const entry = this.#entry(server);
      // Connected, its tool list is compared with the stored one (stored only when it changed).
      void this.#connect(entry, { ignoreBackoff: true }).then(() => this.#toolsChanged(entry), (error: unknown) => this.#failed(entry, errorMessage(error)));
    }
  }

  async close() {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((e) => e.connection?.then((c) => c.close(), () => {})));
  }

  #entry(server: McpServerRuntime): Entry {
    let entry = this.#entries.get(server.id);
    if (entry && entry.server.version !== server.version) {
      void entry.connection?.then((c) => c.close("the server's configuration changed"), () => {});
      entry = undefined;
    }
    if (!entry) {
      entry = { server, inFlight: 0, queue: [], failures: 0, openUntil: 0, deaths: 0, restartAt: 0 };
      this.#entries.set(server.id, entry);
    }
    return entry;
  }

  #connect(entry: Entry, { ignoreBackoff }: { ignoreBackoff: boolean }): Promise<McpConnection> {
    if (entry.connection) return entry.connection;
    const wait = entry.restartAt - Date.now();
    if (!ignoreBackoff && wait > 0) return Promise.reject(new McpRefusedError(`MCP server ${entry.server.name} stopped (${entry.lastError ?? "exited"}); it restarts in ${Math.ceil(wait / 1000)} s`));
    const connecting = McpConnection.open(entry.server, this.#options, () => void this.#toolsChanged(entry));
    entry.connection = connecting;
    connecting.then(
      (connection) => {
        connection.onclose = (reason) => {
          if (entry.connection !== connecting) return;
          entry.connection = undefined;
          // Died on its own: restart with backoff (immediately the first time).
          entry.deaths++;
          entry.restartAt = Date.now() + Math.min(this.#options.restartCapMs, entry.deaths > 1 ? this.#options.restartBaseMs * 2 ** (entry.deaths - 2) : 0);
          entry.lastError = `MCP server ${entry.server.name}: ${reason}`;
          this.#options.onStatus?.(entry.server, "error", entry.lastError);
        };
        if (entry.lastError || entry.deaths === 0) this.#options.onStatus?.(entry.server, "ok");
        entry.lastError = undefined;
      },
      () => {
        if (entry.connection === connecting) entry.connection = undefined;
      },
    );
    return connecting;
  }

  async #toolsChanged(entry: Entry) {
    const connection = await entry.connection?.catch(() => undefined);
    if (!connection) return;
    const tools = await connection.listTools(15_000).catch(() => undefined);
    if (tools) this.#options.onToolsChanged?.(entry.server, tools, connection.protocolVersion);
  }

  #failed(entry: Entry, message: string) {
    entry.failures++;
    entry.lastError = message;
    if (entry.failures >= this.#options.breakerFailures) entry.openUntil = Date.now() + this.#options.breakerCooldownMs;
    this.#options.onStatus?.(entry.server, "error", message);
  }

  async #drop(entry: Entry, connection: McpConnection) {
    if (entry.connection) {
      const current = await entry.connection.catch(() => undefined);
      if (current === connection) entry.connection = undefined;
    }
    await connection.close("dropped after a failed call");
  }

  #acquire(entry: Entry): Promise<void> {
    if (entry.inFlight < this.#options.maxConcurrent) {
      entry.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => entry.queue.push(() => { entry.inFlight++; resolve(); }));
  }

  #release(entry: Entry) {
    entry.inFlight--;
    entry.queue.shift()?.();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A JSON-RPC error answer from the server (not a transport failure or a timeout). */
function isProtocolAnswer(error: unknown): boolean {
  // SDK v2: timeouts and closed connections are local SdkErrors, never ProtocolErrors.
  return error instanceof ProtocolError;
}
