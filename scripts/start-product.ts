/**
 * The whole product on one machine: database (embedded PGlite unless DATABASE_URL is set),
 * migrations, demo data, the demo CRM upstream, the gateway and the worker (in-process queue
 * unless REDIS_URL is set). Prints what a new user needs to connect an MCP client as soon as the
 * gateway answers; the dashboard is built (when needed) and started afterwards, in the background.
 *
 * Safe by default: everything listens on 127.0.0.1 (TENGINE_HOST changes it), secrets are
 * random and kept in the data directory, and the SSRF guard stays on with only the demo CRM's
 * own host:port allowlisted.
 */
import path from "node:path";
import { findActiveSigningSecret, SecretBox } from "@tengine/core";
import { createDb, defaultDataDir, resolveDatabase, resolveMasterKey, resolveNextAuthSecret, runMigrations } from "@tengine/db";
import { startDemoCrm } from "@tengine/demo-crm";
import { createGateway, loadGatewayConfig } from "@tengine/gateway";
import { verifyRequest } from "@tengine/sdk";
import { loadWorkerConfig, startWorker } from "@tengine/worker";
import { seedDemo } from "../prisma/seed.ts";
import { firstPortInUse, type NamedPort, portInUseMessage, portOfError } from "./port-in-use.ts";
import { startDashboard } from "./start-dashboard.ts";

const env = process.env;
const startedAt = Number(env.TENGINE_STARTED_AT) || Date.now();
const host = env.TENGINE_HOST || "127.0.0.1";
const gatewayHost = env.GATEWAY_HOST || host;
const ports = {
  gateway: { port: Number(env.GATEWAY_PORT || 8081), host: gatewayHost, variable: "GATEWAY_PORT", what: "gateway" },
  crm: { port: Number(env.DEMO_CRM_PORT || 4010), host, variable: "DEMO_CRM_PORT", what: "demo CRM" },
  dashboard: { port: Number(env.DASHBOARD_PORT || 3000), host, variable: "DASHBOARD_PORT", what: "dashboard" },
  workerMetrics: { port: Number(env.WORKER_METRICS_PORT || 0), host: env.WORKER_METRICS_HOST || host, variable: "WORKER_METRICS_PORT", what: "worker metrics" },
  gatewayMetrics: { port: Number(env.GATEWAY_METRICS_PORT || 0), host: env.GATEWAY_METRICS_HOST || host, variable: "GATEWAY_METRICS_PORT", what: "gateway metrics" },
} satisfies Record<string, NamedPort>;

// A second `npm start`, or anything else on our ports: one line, before anything starts.
const taken = await firstPortInUse(Object.values(ports));
if (taken) fail(portInUseMessage(taken));

let stopping = false;
const dataDir = defaultDataDir(env.TENGINE_DATA_DIR);
const { target, owned } = await resolveDatabase({ databaseUrl: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, dataDir, startIfMissing: true, preferredPort: Number(env.EMBEDDED_DB_PORT ?? 54329) });
await runMigrations(target);
const masterKey = await resolveMasterKey({ masterKey: env.TENGINE_MASTER_KEY, dataDir, embedded: !!target.embedded });
const nextAuthSecret = await resolveNextAuthSecret({ secret: env.NEXTAUTH_SECRET, dataDir });
const { db, hot, close: closeDb } = createDb(target, { poolSize: 6 });
const secretBox = new SecretBox(masterKey);
const database = {
  DATABASE_URL: target.url,
  ...(target.schema ? { DATABASE_SCHEMA: target.schema } : {}),
  EMBEDDED_DATABASE: target.embedded ? "true" : "false",
  TENGINE_MASTER_KEY: masterKey,
};

// The demo CRM checks every request's RFC 9421 signature with the SDK, as a customer API would.
// The tools call it on loopback whatever interface it listens on.
const crmUrl = `http://127.0.0.1:${ports.crm.port}`;
const crm = await startDemoCrm({
  port: ports.crm.port,
  host,
  publicUrl: crmUrl,
  verify: async (req, body) => {
    const result = await verifyRequest(req, {
      body,
      url: `${crmUrl}${req.url}`,
      secrets: (keyid) => findActiveSigningSecret(db, secretBox, keyid),
    });
    return result.ok ? { ok: true, identity: { ...result.identity } } : { ok: false, reason: result.reason };
  },
}).catch(onStartError);
const credentials = await seedDemo(db, secretBox, { dataDir, demoCrmUrl: crmUrl });

const dashboardUrl = (env.PUBLIC_DASHBOARD_URL || `http://localhost:${ports.dashboard.port}`).replace(/\/+$/, "");
// The SSRF guard stays on: the demo CRM's own address is the one private upstream allowed,
// next to whatever the operator lists in UPSTREAM_ALLOWLIST.
const upstreamAllowlist = [`127.0.0.1:${ports.crm.port}`, env.UPSTREAM_ALLOWLIST].filter(Boolean).join(",");

const config = loadGatewayConfig({
  ...env,
  ...database,
  GATEWAY_HOST: gatewayHost,
  // /metrics is on its own loopback listener, a free port unless GATEWAY_METRICS_PORT is set.
  GATEWAY_METRICS_PORT: String(ports.gatewayMetrics.port),
  GATEWAY_METRICS_HOST: ports.gatewayMetrics.host,
  UPSTREAM_ALLOWLIST: upstreamAllowlist,
  // The OAuth authorize endpoint sends browsers to the dashboard's consent page.
  PUBLIC_DASHBOARD_URL: dashboardUrl,
});
const gateway = await createGateway(config);
await gateway.listen().catch(onStartError);

// The worker in this process: approved calls, retention, cleanup and usage roll-ups. Without
// REDIS_URL its queue is in-process; approvals decided in the dashboard (another process) are
// found by its approval.sweep job. Metrics on a free port unless WORKER_METRICS_PORT is set.
const worker = await startWorker({
  config: loadWorkerConfig({
    ...env,
    ...database,
    UPSTREAM_ALLOWLIST: upstreamAllowlist,
    WORKER_METRICS_PORT: String(ports.workerMetrics.port),
    WORKER_METRICS_HOST: ports.workerMetrics.host,
    PUBLIC_DASHBOARD_URL: dashboardUrl,
  }),
  database: { db, hot },
}).catch(onStartError);

const mcpUrl = `${config.publicUrl}/p/${credentials.projectSlug}/mcp`;
const line = "─".repeat(72);
const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
console.log(`
${line}
 Tengine is running ${target.embedded ? `(embedded database in ${dataDir})` : ""}

 MCP URL      ${mcpUrl}
 API key      ${credentials.apiKey}
 Gateway      ${config.publicUrl}   (health: ${config.publicUrl}/healthz, metrics: http://${ports.gatewayMetrics.host}:${gateway.metricsPort}/metrics)
 Worker       ${worker.queue.kind === "redis" ? "BullMQ on REDIS_URL" : "in-process queue"}   (metrics: http://${ports.workerMetrics.host}:${worker.metricsPort}/metrics)
 Demo CRM     ${crm.url}   (the upstream API behind the demo tools)
 Admin login  ${credentials.adminEmail} / ${credentials.adminPassword}
 Listening on ${host}${host === "127.0.0.1" ? " only (set TENGINE_HOST=0.0.0.0 to accept other machines)" : ""}

 Connect Claude Code (browser sign-in with the admin login, OAuth):
   claude mcp add --transport http --callback-port 3118 tengine ${mcpUrl}
 or with the API key:
   claude mcp add --transport http tengine ${mcpUrl} \\
     --header "Authorization: Bearer ${credentials.apiKey}"

 CLI (in another terminal):  npx tengine runs list --project ${credentials.projectSlug}

 MCP ready ${seconds} s after npm start; the dashboard follows (its URL is printed when it answers).
${line}
`);

// The dashboard (Next.js) runs as its own process on the same database, started last so that
// its build never delays the MCP endpoint.
const dashboard = startDashboard({
  host,
  port: ports.dashboard.port,
  url: dashboardUrl,
  buildLog: path.join(dataDir, "dashboard-build.log"),
  log: (message) => console.log(message),
  env: {
    ...env,
    ...database,
    UPSTREAM_ALLOWLIST: upstreamAllowlist,
    PUBLIC_GATEWAY_URL: config.publicUrl,
    PUBLIC_DASHBOARD_URL: dashboardUrl,
    NEXTAUTH_URL: env.NEXTAUTH_URL || dashboardUrl,
    NEXTAUTH_SECRET: nextAuthSecret,
    NEXT_TELEMETRY_DISABLED: "1",
  },
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    void (async () => {
      dashboard.stop();
      await gateway.close().catch(() => {});
      await worker.close().catch(() => {});
      await crm.close().catch(() => {});
      await closeDb().catch(() => {});
      await owned?.close().catch(() => {});
      process.exit(0);
    })();
  });
}

/** A listen that lost a race for its port still ends in the one-line message. */
async function onStartError(error: unknown): Promise<never> {
  const port = portOfError(error, Object.values(ports));
  await owned?.close().catch(() => {});
  if (port) fail(portInUseMessage(port));
  throw error;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
