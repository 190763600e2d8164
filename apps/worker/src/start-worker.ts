import { createInfra, createOutboundClient, createSmtpSender, McpPool, readFederationSettings, startMetricsServer, type JobEvent, JOB_NAMES, type JobOverrides, ProjectRuntimeCache, resolveJobDefinition, SecretBox, type WorkerJobQueue } from "@tengine/core";
import { createJobQueue } from "@tengine/queue";
import { createDb, type Db, type HotQueries } from "@tengine/db";
import type { WorkerConfig } from "./env.ts";
import { createJobHandlers } from "./job-handlers.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createWorkerMetrics } from "./metrics.ts";

export type StartWorkerOptions = {
  config: WorkerConfig;
  logger?: Logger;
  /** The caller's database (npm start runs gateway and worker in one process); otherwise its own pool. */
  database?: { db: Db; hot: HotQueries };
  /** Attempts, backoff, timeouts or schedules changed per job (tests). */
  overrides?: JobOverrides;
};

export type RunningWorker = {
  queue: WorkerJobQueue;
  /** port of /metrics and /healthz */
  metricsPort: number;
  /** Stops taking jobs, waits for the running ones, then releases queue, Redis, HTTP and database. */
  close(): Promise<void>;
};

/**
 * The worker (DESIGN §2): BullMQ consumers when `REDIS_URL` is set, the in-process queue
 * otherwise; every catalog job handled, the maintenance jobs scheduled (one schedule per job
 * however many workers run), Prometheus metrics on `WORKER_METRICS_PORT`.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const owned = options.database ? undefined : createDb({ url: config.databaseUrl, schema: config.databaseSchema, embedded: config.embeddedDatabase }, { poolSize: 10 });
  const { db, hot } = options.database ?? (owned as NonNullable<typeof owned>);
  const secretBox = new SecretBox(config.masterKey, { previousKeys: config.previousMasterKeys ?? [] });
  const outbound = createOutboundClient({ allowPrivate: config.allowPrivateUpstreams, ...(config.upstreamAllowlist ? { allowlist: config.upstreamAllowlist } : {}) });
  // Approved calls of external MCP servers are sent from here, through the worker's own pool.
  const mcp = new McpPool({ ...(config.federation ?? readFederationSettings({})), fetch: outbound.fetch, allowPrivate: config.allowPrivateUpstreams, ...(config.upstreamAllowlist ? { allowlist: config.upstreamAllowlist } : {}), connectTimeoutMs: 10_000 });
  const runtime = new ProjectRuntimeCache(db, secretBox);
  let lastRedisWarning = 0;
  const onRedisError = (err: Error) => {
    // At most one line a minute while Redis is down; the clients keep reconnecting.
    if (Date.now() - lastRedisWarning < 60_000) return;
    lastRedisWarning = Date.now();
    logger.warn({ err: { name: err.name, message: err.message } }, "redis connection error (reconnecting)");
  };
  // Pub/sub tells a gateway call waiting on an approval that its run settled.
  const infra = createInfra({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, redis: { onError: onRedisError } });
  const queue = createJobQueue({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, onError: onRedisError, ...(options.overrides ? { overrides: options.overrides } : {}) });
  const metrics = createWorkerMetrics(queue);
  let stopping = false;

  const onEvent = (event: JobEvent) => {
    metrics.observe(event);
    const base = { job: event.name, jobId: event.jobId, attempt: event.attempt };
    if (event.type === "started") logger.debug(base, "job started");
    else if (event.type === "completed") {
      // Frequent sweeps that found nothing stay at debug.
      const level = didSomething(event.result) ? "info" : "debug";
      logger[level]({ ...base, ms: Math.round(event.durationMs), result: event.result }, "job completed");
    } else {
      const fields = { ...base, ms: Math.round(event.durationMs), willRetry: event.willRetry, timedOut: event.timedOut, err: { name: event.error.name, message: event.error.message } };
      if (event.willRetry) logger.warn(fields, "job failed; will retry");
      else logger.error(fields, "job failed");
    }
  };

  const handlers = createJobHandlers({ db, hot, runtime, outbound, mcp, pubsub: infra.pubSub, logger, secretBox, ...(config.dashboardUrl ? { dashboardUrl: config.dashboardUrl } : {}), ...(config.smtp ? { sendEmail: createSmtpSender(config.smtp) } : {}) });
  await queue.work(handlers, { onEvent });
  for (const name of JOB_NAMES) {
    if (resolveJobDefinition(name, options.overrides).repeatEveryMs) await queue.schedule(name);
  }
  const server = await startMetricsServer(metrics.registry, { port: config.metricsPort, host: config.metricsHost, token: config.metricsToken, healthy: () => !stopping });
  logger.info({ queue: queue.kind, metricsPort: server.port }, `worker ready (${queue.kind === "redis" ? "BullMQ on Redis" : "in-process queue"})`);

  let closing: Promise<void> | undefined;
  return {
    queue,
    metricsPort: server.port,
    close() {
      closing ??= (async () => {
        stopping = true;
        await queue.close();
        await server.close();
        await infra.close();
        await mcp.close();
        await outbound.close();
        await owned?.close();
        logger.info("worker stopped");
      })();
      return closing;
    },
  };
}

/** Whether a handler's result reports work done: a count above 0 or `executed: true`. */
function didSomething(result: unknown): boolean {
  if (result === null || typeof result !== "object") return typeof result === "number" ? result > 0 : result === true;
  return Object.entries(result).some(([key, v]) => (typeof v === "number" ? v > 0 : key === "executed" && v === true));
}
