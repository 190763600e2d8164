import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createInfra, createOutboundClient, GatewayKeys, McpPool, readFederationSettings, recordMcpServerStatus, storeMcpServerTools, type MetricsServer, startMetricsServer, type Principal, ProjectRuntimeCache, type RateLimitEvent, requestStepUp, SecretBox } from "@tengine/core";
import { createDb } from "@tengine/db";
import type { GatewayConfig } from "../env.ts";
import { handleMcpPost } from "../mcp/mcp-endpoint.ts";
import { ElicitationBroker } from "../mcp/elicitation-broker.ts";
import { createMcpServer } from "../mcp/mcp-server.ts";
import { ConfigWatcher } from "../mcp/modern/config-watcher.ts";
import { ListenStreams } from "../mcp/modern/listen-streams.ts";
import { routeOAuth } from "../oauth/oauth-routes.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { orgProtectedResourceMetadata, protectedResourceMetadata } from "../well-known/protected-resource.ts";
import type { AuthDeps } from "./authenticate.ts";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./database-unavailable.ts";
import { DurableHotQueries } from "./durable-hot-queries.ts";
import { handleMintMemberSession } from "./member-sessions.ts";
import { createOriginCheck } from "./origin.ts";
import { sendError, sendJson } from "./respond.ts";
import { GATEWAY_ROUTES, type GatewayRouteName, matchRoute } from "./routes.ts";
/** A 2026-07-28 call still running after this becomes a task (clients that declared the tasks extension). */
const DEFAULT_TASK_AFTER_MS = 2_000;


/**
 * The gateway: one Node HTTP server, one database pool, one outbound connection pool and one
 * MCP Server per process — everything the hot path needs is built here, once.
 */
export async function createGateway(config: GatewayConfig, options: { logger?: Logger; /** clock in ms for token lifetimes (tests) */ now?: () => number } = {}) {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = createDb({ url: config.databaseUrl, schema: config.databaseSchema, embedded: config.embeddedDatabase }, { poolSize: 20 });
  const { db } = database;
  const metrics = createMetrics();
  // Writes that follow an upstream call wait (bounded) for a restarting Postgres: an executed
  // call keeps its run, and its idempotency key its result (DESIGN §14).
  const hot = new DurableHotQueries(database.pool, !config.embeddedDatabase, {
    onWait: (what, error) => {
      metrics.databaseUnavailable.inc({ phase: "run_write" });
      logger.warn({ what, reason: error instanceof Error ? error.message : String(error) }, "database unreachable after an upstream call: retrying the write");
    },
  });
  const secretBox = new SecretBox(config.masterKey, { previousKeys: config.previousMasterKeys ?? [] });
  const outbound = createOutboundClient({ allowPrivate: config.allowPrivateUpstreams, ...(config.upstreamAllowlist ? { allowlist: config.upstreamAllowlist } : {}), ...(config.upstreamCaCerts ? { caCerts: config.upstreamCaCerts } : {}) });
  // Connections to the projects' external MCP servers, reconciled with every project reload.
  const federation = config.federation ?? readFederationSettings({});
  const mcp = new McpPool({
    ...federation,
    fetch: outbound.fetch,
    allowPrivate: config.allowPrivateUpstreams,
    ...(config.upstreamAllowlist ? { allowlist: config.upstreamAllowlist } : {}),
    connectTimeoutMs: 10_000,
    onToolsChanged: (server, tools, protocolVersion) => {
      storeMcpServerTools(db, server.projectId, server.id, tools, protocolVersion).catch((error: unknown) => logger.warn({ err: error, mcpServer: server.name }, "could not store an MCP server's changed tool list"));
    },
    onStatus: (server, status, error) => {
      if (status === "error") logger.warn({ project: server.projectId, mcpServer: server.name, reason: error }, "MCP server unavailable");
      recordMcpServerStatus(db, server.projectId, server.id, status, error).catch(() => {});
    },
  });
  const runtime = new ProjectRuntimeCache(db, secretBox, { onLoad: (projectId, loaded) => mcp.reconcile(projectId, loaded.mcpServers) });
  // Redis when REDIS_URL is set (limits shared by every replica), in-process otherwise.
  const infra = createInfra({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix ?? "tengine:" });
  let lastDegradedWarning = 0;
  const onRateLimit = (event: RateLimitEvent) => {
    const { check } = event;
    if (check.ok === "degraded") {
      metrics.rateLimitDegraded.inc();
      metrics.rateLimitUnavailable.inc({ project: event.projectSlug, outcome: "allowed" });
      // At most one warning a minute: during an outage every call lands here.
      const now = Date.now();
      if (now - lastDegradedWarning >= 60_000) {
        lastDegradedWarning = now;
        logger.warn({ project: event.projectSlug, reason: check.reason }, "rate limiter unavailable: allowing calls without rate limits (fail open)");
      }
      return;
    }
    metrics.rateLimited.inc({ project: event.projectSlug, scope: check.scope });
    if (check.scope === "unavailable") metrics.rateLimitUnavailable.inc({ project: event.projectSlug, outcome: "refused" });
    if (check.scope === "unavailable") logger.warn({ project: event.projectSlug, reason: check.reason }, "rate limiter unavailable: call refused (project fails closed)");
  };
  // Questions to MCP clients while their call waits for approval; answers may reach any replica.
  const elicitations = new ElicitationBroker(infra.pubSub);
  // pubsub wakes calls waiting for an approval decision (they also poll: the dashboard is another process).
  // A modern client's follow-ups of a call waiting for approval: sealed request state, tasks, the approval page.
  const followUps = { db, secretBox, pubsub: infra.pubSub, dashboardUrl: config.dashboardUrl ?? "http://localhost:3000", taskAfterMs: config.taskAfterMs ?? DEFAULT_TASK_AFTER_MS };
  const { transport } = await createMcpServer({ db, hot, runtime, outbound, mcp, limiter: infra.rateLimiter, onRateLimit, pubsub: infra.pubSub, ...(config.approvalWaitMs !== undefined ? { approvalWaitMs: config.approvalWaitMs } : {}) }, metrics, followUps);
  // The gateway's own ES256 keys sign member session tokens; PUBLIC_GATEWAY_URL is their issuer.
  // The same clock for key caching as for token lifetimes: tests move it instead of sleeping.
  const gatewayKeys = new GatewayKeys(db, secretBox, options.now ? { now: options.now } : {});
  const auth: AuthDeps = { hot, gatewayKeys, issuer: config.publicUrl, ...(options.now ? { now: options.now } : {}) };
  // The OAuth authorization server (DESIGN §11): tokens signed with the same gateway keys.
  const oauth = {
    db,
    gatewayKeys,
    issuer: config.publicUrl,
    dashboardUrl: config.dashboardUrl ?? "http://localhost:3000",
    limiter: infra.rateLimiter,
    registrationLimit: config.oauthRegistrationLimit ?? { max: 20, windowMs: 3_600_000 },
    trustProxy: config.trustProxy ?? false,
    // Client ID Metadata Documents come through the same SSRF-guarded pool as upstream calls.
    clientMetadata: { outbound },
    logger,
    ...(options.now ? { now: options.now } : {}),
  };
  const mint = { db, hot, secretBox, gatewayKeys, issuer: config.publicUrl };
  let lastDatabaseWarning = 0;
  const onDatabaseUnavailable = (phase: "request" | "tool_call", error?: unknown) => {
    metrics.databaseUnavailable.inc({ phase });
    // At most one warning every 5 s: during an outage every request lands here.
    if (Date.now() - lastDatabaseWarning < 5_000) return;
    lastDatabaseWarning = Date.now();
    logger.warn({ phase, reason: error instanceof Error ? error.message : undefined }, "database unreachable: MCP request answered 503");
  };
  // A 403 insufficient_scope for an OAuth connection marks it for step-up before the answer goes out.
  const onInsufficientScope = async (principal: Principal, scopes: string[]) => {
    if (!principal.connectionId) return;
    await requestStepUp(db, { connectionId: principal.connectionId, scopes, ...(options.now ? { now: new Date(options.now()) } : {}) }).catch((error: unknown) => {
      logger.warn({ err: error }, "could not record a step-up request");
    });
  };
  // subscriptions/listen streams of 2026-07-28 clients: list_changed when a project's version moves.
  const listens = new ListenStreams(
    new ConfigWatcher(async (ids) => new Map((await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, configVersion: true } })).map((p) => [p.id, p.configVersion])), config.listChangedPollMs),
  );
  const originAllowed = createOriginCheck([config.publicUrl, config.dashboardUrl, ...config.allowedOrigins]);

  type Handler = (req: IncomingMessage, res: ServerResponse, ctx: { requestId: string; url: URL; match: RegExpExecArray }) => Promise<void> | void;
  const notFound: Handler = (req, res, { requestId, url }) => sendError(res, 404, "not_found", `no route for ${req.method} ${url.pathname}`, requestId);
  const oauthRoute: Handler = async (req, res, { url }) => {
    await routeOAuth(oauth, req, res, url);
  };
  /** An MCP endpoint: Origin check, then POST to `post`, OPTIONS 204, anything else 405. */
  const mcpRoute =
    (post: (req: IncomingMessage, res: ServerResponse, requestId: string, match: RegExpExecArray) => Promise<void>): Handler =>
    async (req, res, { requestId, match }) => {
      if (!originAllowed(req.headers.origin)) return sendError(res, 403, "forbidden_origin", `Origin ${req.headers.origin} is not allowed`, requestId);
      if (req.method === "POST") await post(req, res, requestId, match);
      else if (req.method === "OPTIONS") res.writeHead(204, { allow: "POST" }).end();
      else sendError(res, 405, "method_not_allowed", "This stateless MCP endpoint answers POST only (no SSE stream is offered)", requestId, { allow: "POST" });
    };
  // One handler per route of GATEWAY_ROUTES (the type demands each): the table is the router.
  const handlers: Record<GatewayRouteName, Handler> = {
    mcp: mcpRoute((req, res, requestId, match) => handleMcpPost({ auth, transport, publicUrl: config.publicUrl, onDatabaseUnavailable, onInsufficientScope, elicitations, listens, followUps }, req, res, match[1], requestId)),
    // An organization's endpoint: its platform tools, for API keys of its projects and OAuth grants on it.
    org_mcp: mcpRoute((req, res, requestId, match) => handleMcpPost({ auth, transport, publicUrl: config.publicUrl, onDatabaseUnavailable, onInsufficientScope, elicitations, listens, followUps }, req, res, undefined, requestId, { slug: match[1]!, db })),
    async org_metadata(req, res, ctx) {
      if (req.method !== "GET") return notFound(req, res, ctx);
      const doc = await orgProtectedResourceMetadata(db, config.publicUrl, ctx.match[1]!);
      if (doc) sendJson(res, 200, doc, { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" });
      else sendError(res, 404, "not_found", "no such MCP resource", ctx.requestId);
    },
    async metadata(req, res, ctx) {
      if (req.method !== "GET") return notFound(req, res, ctx);
      const doc = await protectedResourceMetadata(db, config.publicUrl, ctx.match[1]);
      if (doc) sendJson(res, 200, doc, { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" });
      else sendError(res, 404, "not_found", "no such MCP resource", ctx.requestId);
    },
    oauth_metadata: oauthRoute,
    oauth_authorize: oauthRoute,
    oauth_register: oauthRoute,
    oauth_token: oauthRoute,
    oauth_revoke: oauthRoute,
    async member_sessions(req, res, { requestId }) {
      if (req.method === "POST") await handleMintMemberSession({ auth, mint }, req, res, requestId);
      else sendError(res, 405, "method_not_allowed", "POST a member assertion to mint a member session", requestId, { allow: "POST" });
    },
    async jwks(req, res, ctx) {
      if (req.method !== "GET") return notFound(req, res, ctx);
      sendJson(res, 200, await gatewayKeys.jwks(), { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" });
    },
    healthz(_req, res) {
      sendJson(res, 200, { status: "ok" });
    },
    async readyz(_req, res) {
      try {
        await db.$queryRaw`SELECT 1`;
        sendJson(res, 200, { status: "ready" });
      } catch {
        sendJson(res, 503, { status: "unavailable", reason: "database unreachable" });
      }
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string> {
    const url = new URL(req.url ?? "/", "http://gateway");
    const found = matchRoute(url.pathname);
    if (!found) {
      await notFound(req, res, { requestId, url, match: [] as unknown as RegExpExecArray });
      return "not_found";
    }
    await handlers[found.name](req, res, { requestId, url, match: found.match });
    return found.name;
  }

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const requestId = (typeof req.headers["x-request-id"] === "string" && /^[\w.-]{1,64}$/.test(req.headers["x-request-id"]) ? req.headers["x-request-id"] : randomUUID());
    res.setHeader("x-request-id", requestId);
    route(req, res, requestId)
      .then((name) => {
        metrics.httpRequests.inc({ route: name, status: res.statusCode });
        if (res.statusCode >= 400 || logger.isLevelEnabled("debug")) {
          logger.info({ requestId, method: req.method, path: req.url?.split("?")[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
        }
      })
      .catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) {
          // Postgres down or restarting: a clear 503, no stack, the client may retry.
          metrics.databaseUnavailable.inc({ phase: "request" });
          logger.warn({ requestId, path: req.url?.split("?")[0], reason: error instanceof Error ? error.message : String(error) }, "database unreachable: answered 503");
          if (!res.headersSent) sendError(res, 503, "database_unavailable", DATABASE_UNAVAILABLE_MESSAGE, requestId, { "retry-after": "5" });
          else res.destroy();
          metrics.httpRequests.inc({ route: "unavailable", status: 503 });
          return;
        }
        // Unknown failures: a generic 500 with the request id, details only in our log.
        logger.error({ requestId, err: error }, "unhandled error");
        if (!res.headersSent) sendError(res, 500, "internal_error", "Internal error", requestId);
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 65_000;
  // Requests in flight per socket: a shutdown lets those finish and closes every other socket
  // (idle keep-alive, half-closed by a client that stopped reading a stream, half-sent headers).
  const inFlight = new Map<Socket, number>();
  server.on("connection", (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once("close", () => inFlight.delete(socket));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once("close", () => {
      if (inFlight.has(socket)) inFlight.set(socket, inFlight.get(socket)! - 1);
    });
  });
  // /metrics lists every tenant's slugs and tool names: it is served only on this internal
  // listener (loopback by default, optionally behind METRICS_TOKEN), never on the public port.
  let metricsServer: MetricsServer | undefined;

  return {
    server,
    db,
    logger,
    /** the route table this gateway dispatches from */
    routes: GATEWAY_ROUTES,
    /** Starts the public listener and the internal metrics one; returns the public port. */
    async listen(port = config.port, host = config.host) {
      // A port in use rejects (EADDRINUSE) instead of crashing the process from an 'error' event.
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      metricsServer ??= await startMetricsServer(metrics.registry, { port: config.metricsPort, host: config.metricsHost, token: config.metricsToken });
      return (server.address() as AddressInfo).port;
    },
    /** The bound port of the internal /metrics listener, once listening. */
    get metricsPort(): number | undefined {
      return metricsServer?.port;
    },
    async close() {
      // Listen streams never end by themselves: close them (gracefully) or the server waits forever.
      listens.close();
      await metricsServer?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Sockets with no request in flight, now or once theirs finishes, are closed at once
      // instead of waiting for the client or the keep-alive timeout.
      const sweep = setInterval(() => {
        for (const [socket, n] of inFlight) if (n <= 0) socket.destroy();
      }, 100);
      await closed;
      clearInterval(sweep);
      server.closeAllConnections();
      await mcp.close();
      await outbound.close();
      await infra.close();
      await database.close();
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;
