/**
 * The whole product on one machine (DESIGN §2, §13): database (embedded PGlite unless
 * DATABASE_URL is set), migrations, demo data, the demo CRM upstream, the gateway and the
 * worker (in-process queue unless REDIS_URL is set). Prints
 * what a new user needs to connect a client.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { SecretBox } from "@tengine/core";
import { createDb, defaultDataDir, resolveDatabase, resolveMasterKey, runMigrations } from "@tengine/db";
import { startDemoCrm } from "@tengine/demo-crm";
import { createGateway, loadGatewayConfig } from "@tengine/gateway";
import { verifyRequest } from "@tengine/sdk";
import { loadWorkerConfig, startWorker } from "@tengine/worker";
import { seedDemo } from "../prisma/seed.ts";

const env = process.env;
let stopping = false;
const dataDir = defaultDataDir(env.TENGINE_DATA_DIR);
const { target, owned } = await resolveDatabase({ databaseUrl: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, dataDir, startIfMissing: true, preferredPort: Number(env.EMBEDDED_DB_PORT ?? 54329) });
await runMigrations(target);
const masterKey = await resolveMasterKey({ masterKey: env.TENGINE_MASTER_KEY, dataDir, embedded: !!target.embedded });
const { db, hot, close: closeDb } = createDb(target, { poolSize: 6 });
const secretBox = new SecretBox(masterKey);

const demoPort = Number(env.DEMO_CRM_PORT ?? 4010);
// The demo CRM checks every request's RFC 9421 signature with the SDK, as a customer API would.
const crm = await startDemoCrm({
  port: demoPort,
  host: "127.0.0.1",
  verify: async (req, body) =>
    verifyRequest(req, {
      body,
      url: `http://127.0.0.1:${demoPort}${req.url}`,
      secrets: async (keyid) => {
        const row = await db.signingSecret.findFirst({ where: { id: keyid, retiredAt: null }, select: { secretEnc: true } });
        return row ? secretBox.decrypt(row.secretEnc) : undefined;
      },
    }),
});
const credentials = await seedDemo(db, secretBox, { dataDir, demoCrmUrl: crm.url });

const dashboardPort = Number(env.DASHBOARD_PORT ?? 3000);
const dashboardUrl = (env.PUBLIC_DASHBOARD_URL ?? `http://localhost:${dashboardPort}`).replace(/\/+$/, "");

// Local development: the demo upstream lives on localhost, which the SSRF guard would refuse.
const config = loadGatewayConfig({
  ALLOW_PRIVATE_UPSTREAMS: "true",
  ...env,
  DATABASE_URL: target.url,
  ...(target.schema ? { DATABASE_SCHEMA: target.schema } : {}),
  EMBEDDED_DATABASE: target.embedded ? "true" : "false",
  TENGINE_MASTER_KEY: masterKey,
  GATEWAY_HOST: env.GATEWAY_HOST ?? "0.0.0.0",
  // The OAuth authorize endpoint sends browsers to the dashboard's consent page.
  PUBLIC_DASHBOARD_URL: dashboardUrl,
});
const gateway = await createGateway(config);
await gateway.listen();

// The worker in this process: approved calls, retention, cleanup and usage roll-ups. Without
// REDIS_URL its queue is in-process; approvals decided in the dashboard (another process) are
// found by its approval.sweep job. Metrics on a free port unless WORKER_METRICS_PORT is set.
const worker = await startWorker({
  config: loadWorkerConfig({
    ...env,
    DATABASE_URL: target.url,
    ...(target.schema ? { DATABASE_SCHEMA: target.schema } : {}),
    EMBEDDED_DATABASE: target.embedded ? "true" : "false",
    TENGINE_MASTER_KEY: masterKey,
    ALLOW_PRIVATE_UPSTREAMS: config.allowPrivateUpstreams ? "true" : "false",
    WORKER_METRICS_PORT: env.WORKER_METRICS_PORT ?? "0",
    WORKER_METRICS_HOST: env.WORKER_METRICS_HOST ?? "127.0.0.1",
  }),
  database: { db, hot },
});

// The dashboard (Next.js) runs as its own process on the same database.
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const dashboard = spawn(process.execPath, [nextBin, "start", "apps/dashboard", "-p", String(dashboardPort)], {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...env,
    DATABASE_URL: target.url,
    ...(target.schema ? { DATABASE_SCHEMA: target.schema } : {}),
    EMBEDDED_DATABASE: target.embedded ? "true" : "false",
    PUBLIC_GATEWAY_URL: config.publicUrl,
    PUBLIC_DASHBOARD_URL: dashboardUrl,
    NEXTAUTH_URL: dashboardUrl,
    // Session cookies are signed with a key derived from the master key: stable across restarts.
    NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? createHash("sha256").update(`nextauth:${masterKey}`).digest("base64url"),
    TENGINE_MASTER_KEY: masterKey,
    ALLOW_PRIVATE_UPSTREAMS: config.allowPrivateUpstreams ? "true" : "false",
    NEXT_TELEMETRY_DISABLED: "1",
  },
});
dashboard.once("exit", (code) => {
  if (!stopping) console.error(`dashboard exited (${code}); the gateway keeps running`);
});
await waitForHttp(`http://127.0.0.1:${dashboardPort}/api/healthz`, 60_000).catch(() => console.error(`dashboard did not answer on port ${dashboardPort} yet`));

const mcpUrl = `${config.publicUrl}/p/${credentials.projectSlug}/mcp`;
const line = "─".repeat(72);
console.log(`
${line}
 Tengine is running ${target.embedded ? `(embedded database in ${dataDir})` : ""}

 MCP URL      ${mcpUrl}
 API key      ${credentials.apiKey}
 Dashboard    ${dashboardUrl}
 Gateway      ${config.publicUrl}   (health: ${config.publicUrl}/healthz, metrics: /metrics)
 Worker       ${worker.queue.kind === "redis" ? "BullMQ on REDIS_URL" : "in-process queue"}   (metrics: http://127.0.0.1:${worker.metricsPort}/metrics)
 Demo CRM     ${crm.url}   (the upstream API behind the demo tools)
 Admin login  ${credentials.adminEmail} / ${credentials.adminPassword}

 Connect Claude Code (browser sign-in with the admin login, OAuth):
   claude mcp add --transport http --callback-port 3118 tengine ${mcpUrl}
 or with the API key:
   claude mcp add --transport http tengine ${mcpUrl} \\
     --header "Authorization: Bearer ${credentials.apiKey}"

 CLI (in another terminal):  npx tengine runs list --project ${credentials.projectSlug}
${line}
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    void (async () => {
      dashboard.kill("SIGTERM");
      await gateway.close().catch(() => {});
      await worker.close().catch(() => {});
      await crm.close().catch(() => {});
      await closeDb().catch(() => {});
      await owned?.close().catch(() => {});
      process.exit(0);
    })();
  });
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer`);
}
