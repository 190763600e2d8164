import { type FederationSettings, masterKeySetting, readFederationSettings, type UpstreamAllowlist, upstreamAllowlistSetting } from "@tengine/core";
import { readFileSync } from "node:fs";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Gateway configuration, parsed once at boot; nothing else reads process.env. */
export const gatewayEnvSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL (npm start sets it for the embedded database)" }),
  DATABASE_SCHEMA: z.string().optional(),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  /** the internal listener of /metrics and /healthz, never the public port; 0 picks a free port */
  GATEWAY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  /** metrics list every tenant's slugs and tools: loopback unless a private network is meant */
  GATEWAY_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** when set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` */
  // An empty value (compose's `${METRICS_TOKEN:-}`) means unset.
  METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
  PUBLIC_GATEWAY_URL: z.string().url().optional(),
  /** where the OAuth consent page lives; default http://localhost:3000 */
  PUBLIC_DASHBOARD_URL: z.string().url().default("http://localhost:3000"),
  /** behind one trusted reverse proxy: client IPs (for rate limits) come from X-Forwarded-For */
  TRUST_PROXY: bool.default(false),
  /** dynamic client registrations allowed per client IP per hour */
  OAUTH_REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  TENGINE_MASTER_KEY: masterKeySetting,
  /** Older master keys, comma-separated: still read (never written) during a master-key rotation. */
  TENGINE_PREVIOUS_MASTER_KEYS: z.string().default(""),
  ALLOW_PRIVATE_UPSTREAMS: bool.default(false),
  /** `host:port` pairs the SSRF guard lets through although private (npm start: the demo CRM) */
  UPSTREAM_ALLOWLIST: upstreamAllowlistSetting,
  /** a PEM file of private CAs trusted for upstream TLS (tools, MCP servers, client metadata documents) beside the system's */
  UPSTREAM_CA_FILE: z.string().min(1).optional(),
  /** extra browser origins allowed to call the MCP endpoint, comma-separated */
  ALLOWED_ORIGINS: z.string().default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  EMBEDDED_DATABASE: bool.default(false),
  /** shared rate limits across replicas; without it limits are per process (in memory) */
  REDIS_URL: z.string().url({ message: "REDIS_URL must be a redis:// URL" }).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default("tengine:"),
  /** how long a tools/call needing approval waits for the decision before answering "pending" */
  APPROVAL_WAIT_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  /** how long a 2026-07-28 call runs before it becomes a task, for clients that declared the tasks extension */
  MCP_TASK_AFTER_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  // External MCP servers (read by readFederationSettings, with the TENGINE_MCP_<SERVER>_<KEY> credentials):
  /** the operator's catalog file (JSON) of stdio servers projects may run; unset = none */
  TENGINE_MCP_CATALOG: z.string().optional(),
  /** TOML file with [mcp.<server>] credential tables; default ~/.tengine/credentials.toml */
  TENGINE_CREDENTIALS_FILE: z.string().optional(),
  /** where each stdio server gets its own working directory; default <tmp>/tengine-mcp */
  TENGINE_MCP_WORKDIR: z.string().optional(),
});

export type GatewayConfig = {
  databaseUrl: string;
  databaseSchema?: string;
  embeddedDatabase: boolean;
  port: number;
  host: string;
  /** internal /metrics listener (GATEWAY_METRICS_PORT, default 9465; 0 = a free port) */
  metricsPort: number;
  /** GATEWAY_METRICS_HOST, default 127.0.0.1 */
  metricsHost: string;
  /** METRICS_TOKEN: bearer token GET /metrics requires */
  metricsToken?: string;
  publicUrl: string;
  /** PUBLIC_DASHBOARD_URL, no trailing slash (default http://localhost:3000) */
  dashboardUrl?: string;
  /** take client IPs from X-Forwarded-For (last hop) */
  trustProxy?: boolean;
  /** dynamic client registration limit per client IP (default 20 an hour) */
  oauthRegistrationLimit?: { max: number; windowMs: number };
  masterKey: string;
  /** TENGINE_PREVIOUS_MASTER_KEYS: decrypt-only keys during a master-key rotation */
  previousMasterKeys?: string[];
  allowPrivateUpstreams: boolean;
  /** UPSTREAM_ALLOWLIST: exact host:port pairs exempt from the SSRF address checks */
  upstreamAllowlist?: UpstreamAllowlist;
  /** UPSTREAM_CA_FILE's certificates (PEM): private CAs trusted for upstream TLS beside the system's */
  upstreamCaCerts?: string;
  allowedOrigins: string[];
  logLevel: string;
  /** `redis://…`; unset = in-process rate limiter (one replica) */
  redisUrl?: string;
  /** prepended to every Redis key and channel */
  redisKeyPrefix?: string;
  /** default 25 s (DESIGN §7 step 6) */
  approvalWaitMs?: number;
  /** a modern call still running after this becomes a task, for clients that declared the extension (default 2 s) */
  taskAfterMs?: number;
  /** how often open subscriptions/listen streams look for configuration changes (ms; default 1000; tests) */
  listChangedPollMs?: number;
  /** external MCP servers: the operator's catalog, credential sources, stdio working directories */
  federation?: FederationSettings;
};

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = gatewayEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid gateway configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  let federation: FederationSettings;
  try {
    federation = readFederationSettings(env);
  } catch (error) {
    throw new Error(`Invalid gateway configuration:\n  ${(error as Error).message}`);
  }
  const publicUrl = (e.PUBLIC_GATEWAY_URL ?? `http://localhost:${e.GATEWAY_PORT}`).replace(/\/+$/, "");
  return {
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    embeddedDatabase: e.EMBEDDED_DATABASE,
    port: e.GATEWAY_PORT,
    host: e.GATEWAY_HOST,
    metricsPort: e.GATEWAY_METRICS_PORT,
    metricsHost: e.GATEWAY_METRICS_HOST,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    publicUrl,
    dashboardUrl: e.PUBLIC_DASHBOARD_URL.replace(/\/+$/, ""),
    trustProxy: e.TRUST_PROXY,
    oauthRegistrationLimit: { max: e.OAUTH_REGISTRATIONS_PER_HOUR, windowMs: 3_600_000 },
    masterKey: e.TENGINE_MASTER_KEY,
    previousMasterKeys: splitKeys(e.TENGINE_PREVIOUS_MASTER_KEYS),
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    upstreamAllowlist: e.UPSTREAM_ALLOWLIST,
    ...(e.UPSTREAM_CA_FILE ? { upstreamCaCerts: readCaFile(e.UPSTREAM_CA_FILE) } : {}),
    allowedOrigins: e.ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    ...(e.APPROVAL_WAIT_MS !== undefined ? { approvalWaitMs: e.APPROVAL_WAIT_MS } : {}),
    ...(e.MCP_TASK_AFTER_MS !== undefined ? { taskAfterMs: e.MCP_TASK_AFTER_MS } : {}),
    federation,
  };
}

function splitKeys(value: string): string[] {
  return value.split(",").map((k) => k.trim()).filter(Boolean);
}

/** The PEM file UPSTREAM_CA_FILE names; unreadable or without a certificate is a startup error, never ignored. */
function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`UPSTREAM_CA_FILE ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`UPSTREAM_CA_FILE ${file} holds no PEM certificate`);
  return text;
}
