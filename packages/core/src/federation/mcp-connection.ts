import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Client, ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode, SdkHttpError, StreamableHTTPClientTransport, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { signRequest } from "@tengine/sdk";
import { checkUpstreamUrl, type UpstreamAllowlist } from "../outbound/ssrf-guard.ts";
import type { McpCatalog } from "./mcp-catalog.ts";
import { upstreamToolSchema, type UpstreamTool } from "./mcp-server-config.ts";
import type { McpServerRuntime } from "./mcp-server-runtime.ts";
import { type CredentialSources, credentialHeaders, resolveMcpCredentials } from "./resolve-mcp-credentials.ts";

/** What a connection needs from its process: catalog, credential sources, the guarded fetch. */
export type ConnectionEnv = {
  catalog: McpCatalog;
  credentials: CredentialSources;
  /** where each stdio server gets its own working directory */
  workRoot: string;
  /** fetch through the SSRF-guarded pool */
  fetch: (url: string | URL, init?: RequestInit) => Promise<Response>;
  allowPrivate: boolean;
  allowlist?: UpstreamAllowlist;
  connectTimeoutMs: number;
};

/** Headers and signing for one tools/call over HTTP, keyed by the run id the call carries in `_meta`. */
export type CallHeaders = { headers: Record<string, string>; signingKey: { keyid: string; secret: string } | null };

export class McpConnectError extends Error {}

/** Refused before anything was sent: the reason names what to change. */
export class McpRefusedError extends Error {}

const CLIENT_INFO = { name: "tengine-gateway", version: "0.1.0" };
/** A message the server sends as its last error (stderr tail, bounded). */
const STDERR_TAIL_BYTES = 2048;

/** The protocol revisions this client speaks with upstreams, oldest first (2024-11-05 excluded: SSE-only era). */
export const UPSTREAM_PROTOCOL_VERSIONS = SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v >= "2025-03-26").sort();

/**
 * One live connection to a server: an SDK v2 `Client` over Streamable HTTP or stdio that
 * negotiates the era (`server/discover` for 2026-07-28, else the 2025 `initialize`). The client
 * declares no sampling, elicitation or roots capability; a request the server sends (2025) or an
 * `input_required` result (2026-07-28) is refused with an error that says so: nothing is
 * relayed to another client.
 */
export class McpConnection {
  readonly client: Client;
  /** per-call headers, taken by the transport's fetch when it sends that call */
  readonly #pending = new Map<string, CallHeaders>();
  #stderrTail = "";
  #closed = false;
  #closeReason: string | undefined;
  #timers: NodeJS.Timeout[] = [];
  /** resolved credential values that are secret, for redaction */
  readonly secretValues: string[];
  pid: number | null = null;
  onclose?: (reason: string) => void;

  private constructor(client: Client, secretValues: string[]) {
    this.client = client;
    this.secretValues = secretValues;
  }

  static async open(server: McpServerRuntime, env: ConnectionEnv, onToolsChanged: () => void): Promise<McpConnection> {
    const entry = server.transport === "stdio" ? env.catalog.get(server.catalogEntry ?? "") : undefined;
    const declared = [...server.declared, ...(entry?.credentials ?? []).filter((c) => !server.declared.some((d) => d.key === c.key))];
    const creds = resolveMcpCredentials(server.name, declared, server.stored, env.credentials);
    if (creds.missing.length) {
      throw new McpRefusedError(`MCP server ${server.name} needs credential ${creds.missing.join(", ")}: set it with \`tengine mcp-servers add … --credential KEY=VALUE\`, or ${creds.missing.map((k) => `TENGINE_MCP_${server.name}_${k}`.toUpperCase().replace(/[^A-Z0-9]/g, "_")).join(", ")}, or [mcp.${server.name}] in the credentials file`);
    }
    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      // auto: probe with server/discover, fall back to initialize; the probe is bounded like the connect.
      versionNegotiation: { mode: "auto", probe: { timeoutMs: env.connectTimeoutMs } },
      // Modern era: an upstream asking its caller for input is refused, not answered (see callTool).
      inputRequired: { autoFulfill: false },
      // 2025: the server's unsolicited list_changed; 2026-07-28: a subscriptions/listen opened at connect.
      listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => onToolsChanged() } },
      listMaxPages: 50,
    });
    const connection = new McpConnection(client, [...creds.secretValues, ...Object.values(server.headers)]);
    client.fallbackRequestHandler = async (request) => {
      throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `Tengine does not relay ${request.method} requests from federated MCP servers`);
    };
    // A 2025 server that sends list_changed without advertising it is still heard.
    client.setNotificationHandler("notifications/tools/list_changed", async () => onToolsChanged());
    const transport = server.transport === "stdio" ? connection.#stdioTransport(server, env, creds.values) : connection.#httpTransport(server, env, creds.values);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(transport, { timeout: env.connectTimeoutMs }),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new McpConnectError(`no answer to server/discover or initialize within ${env.connectTimeoutMs} ms`)), env.connectTimeoutMs); }),
      ]);
    } catch (error) {
      await client.close().catch(() => {});
      throw await connection.#explain(server, env, error);
    } finally {
      clearTimeout(timer);
    }
    client.onclose = () => connection.#markClosed(connection.#stderrTail ? `the server exited: ${connection.#stderrTail.trim().split("\n").slice(-3).join(" | ")}` : "the connection closed");
    if (transport instanceof StdioClientTransport) {
      connection.pid = transport.pid;
      if (entry) connection.#watchLimits(entry.limits);
      // A message above the output limit is dropped by the transport: stop the child, so the
      // call waiting for it fails now with the reason instead of at its timeout.
      client.onerror = (error) => {
        if (entry && /exceeded maximum size/.test(error.message)) void connection.close(`stopped: it wrote a message above its output limit of ${entry.limits.maxOutputBytes} bytes`);
      };
    }
    return connection;
  }

  #httpTransport(server: McpServerRuntime, env: ConnectionEnv, credentialValues: Record<string, string>) {
    const checked = checkUpstreamUrl(server.url ?? "", { allowHttp: server.allowHttp, allowPrivate: env.allowPrivate, ...(env.allowlist ? { allowlist: env.allowlist } : {}), allowedHosts: server.allowedHosts });
    if (!checked.ok) throw new McpRefusedError(`MCP server ${server.name}: ${server.url} is refused: ${checked.reason}`);
    const staticHeaders = { ...server.headers, ...credentialHeaders(credentialValues) };
    const fetchWithIdentity = async (url: string | URL, init?: RequestInit): Promise<Response> => {
      const headers = new Headers(init?.headers);
      for (const [k, v] of Object.entries(staticHeaders)) headers.set(k, v);
      const body = typeof init?.body === "string" ? init.body : undefined;
      const call = body ? this.#pending.get(runIdOf(body) ?? "") : undefined;
      if (call) {
        for (const [k, v] of Object.entries(call.headers)) headers.set(k, v);
        // RFC 9421 over the bytes that go out, fresh per request.
        if (call.signingKey) {
          const plain: Record<string, string> = {};
          headers.forEach((v, k) => { plain[k] = v; });
          const signature = signRequest({ method: init?.method ?? "POST", url: String(url), headers: plain, ...(body !== undefined ? { body } : {}) }, call.signingKey);
          for (const [k, v] of Object.entries(signature)) headers.set(k, v);
        }
      }
      return env.fetch(url, { ...init, headers });
    };
    return new StreamableHTTPClientTransport(checked.url, { fetch: fetchWithIdentity, reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 } });
  }

  #stdioTransport(server: McpServerRuntime, env: ConnectionEnv, credentialValues: Record<string, string>) {
    const entry = env.catalog.get(server.catalogEntry ?? "");
    if (!entry) throw new McpRefusedError(`MCP server ${server.name} runs catalog entry ${server.catalogEntry}, which this deployment's catalog does not have`);
    const cwd = path.join(env.workRoot, server.projectId, server.name);
    mkdirSync(cwd, { recursive: true, mode: 0o700 });
    // Only what the entry and the credentials give, plus PATH; HOME is the child's own directory.
    const childEnv = { ...entry.env, ...credentialValues, HOME: cwd };
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: childEnv, cwd, stderr: "pipe", maxBufferSize: entry.limits.maxOutputBytes });
    transport.stderr?.on("data", (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    });
    return transport;
  }

  /** Memory and lifetime limits of a stdio child: over either, it is stopped (and restarted on demand). */
  #watchLimits(limits: { memoryMb: number; maxLifetimeSec: number }) {
    const lifetime = setTimeout(() => void this.close(`stopped after its maximum lifetime of ${limits.maxLifetimeSec} s`), limits.maxLifetimeSec * 1000);
    const memory = setInterval(async () => {
      const rss = this.pid ? await residentMb(this.pid) : undefined;
      if (rss !== undefined && rss > limits.memoryMb) void this.close(`stopped: it used ${rss} MB of memory, above its limit of ${limits.memoryMb} MB`);
    }, 2000);
    lifetime.unref();
    memory.unref();
    this.#timers.push(lifetime, memory);
  }

  async #explain(server: McpServerRuntime, env: ConnectionEnv, error: unknown): Promise<Error> {
    if (error instanceof McpRefusedError || error instanceof McpConnectError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    if (server.transport === "http" && error instanceof SdkHttpError && (error.status === 404 || error.status === 405) && server.url) {
      // An HTTP+SSE (2024-11-05) server answers POST with 404/405 but GET with an event stream.
      const sse = await env.fetch(server.url, { method: "GET", headers: { accept: "text/event-stream" }, signal: AbortSignal.timeout(3000) }).then((r) => { void r.body?.cancel(); return (r.headers.get("content-type") ?? "").includes("text/event-stream"); }).catch(() => false);
      if (sse) return new McpRefusedError(`MCP server ${server.name} at ${server.url} speaks only the deprecated HTTP+SSE transport; Tengine connects to Streamable HTTP servers only`);
    }
    // A server of a revision this client does not speak refuses both server/discover and initialize.
    const unsupported = /Unsupported protocol version: [^\s]+ \(supported versions?: ([^)]*)\)/i.exec(reason);
    if (unsupported || (error instanceof SdkError && error.code === SdkErrorCode.EraNegotiationFailed && /version/i.test(reason))) {
      return new McpRefusedError(`MCP server ${server.name} speaks only MCP protocol version ${unsupported?.[1] ?? "(none in common)"}; Tengine connects to servers speaking ${UPSTREAM_PROTOCOL_VERSIONS.join(", ")}`);
    }
    const tail = this.#stderrTail.trim().split("\n").slice(-3).join(" | ");
    return new McpConnectError(`could not connect to MCP server ${server.name}: ${reason}${tail ? ` (stderr: ${tail})` : ""}`);
  }

  /** Runs one tools/call with its headers attached to the request that carries it. */
  async callTool(name: string, args: Record<string, unknown>, meta: Record<string, unknown> & { "tengine/runId": string }, headers: CallHeaders, timeoutMs: number) {
    this.#pending.set(meta["tengine/runId"], headers);
    try {
      return await this.client.callTool({ name, arguments: args, _meta: meta }, { timeout: timeoutMs, maxTotalTimeout: timeoutMs });
    } catch (error) {
      if (error instanceof SdkError && error.code === SdkErrorCode.UnsupportedResultType) {
        throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `the server asked its caller for input (elicitation, sampling or roots), which Tengine does not relay from federated MCP servers`);
      }
      throw error;
    } finally {
      this.#pending.delete(meta["tengine/runId"]);
    }
  }

  /** Every page of the server's tools (at most 50 pages), fetched now; the client keeps it for output-schema checks. */
  async listTools(timeoutMs: number): Promise<UpstreamTool[]> {
    const answer = await this.client.listTools(undefined, { timeout: timeoutMs, cacheMode: "refresh" });
    const tools: UpstreamTool[] = [];
    for (const tool of answer.tools) {
      const parsed = upstreamToolSchema.safeParse(tool);
      if (parsed.success) tools.push(parsed.data);
    }
    return tools;
  }

  /** The protocol revision negotiated with the server (2025-… via initialize, 2026-07-28 via server/discover). */
  get protocolVersion(): string | undefined {
    return this.client.getNegotiatedProtocolVersion();
  }

  get closed() {
    return this.#closed;
  }

  /** Why the connection closed (a limit, the child's exit): what a call cut off by it reports. */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  #markClosed(reason: string) {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    for (const t of this.#timers) clearTimeout(t);
    this.onclose?.(reason);
  }

  async close(reason = "closed by the gateway") {
    this.#markClosed(reason);
    await this.client.close().catch(() => {});
  }
}

function runIdOf(body: string): string | undefined {
  if (!body.includes("tengine/runId")) return undefined;
  try {
    const message = JSON.parse(body) as { params?: { _meta?: Record<string, unknown> } };
    const id = message.params?._meta?.["tengine/runId"];
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MB (Linux /proc), or undefined where it cannot be read. */
async function residentMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const kb = status?.match(/^VmRSS:\s+(\d+)/m)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : undefined;
}
