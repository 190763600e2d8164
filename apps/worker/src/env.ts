import { type FederationSettings, masterKeySetting, readFederationSettings, type SmtpConfig, smtpSettings, type UpstreamAllowlist, upstreamAllowlistSetting } from "@tengine/core";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const DATABASE_URL_HINT = "DATABASE_URL must be set to a postgres:// URL (npm start sets it for the embedded database)";

/** Worker configuration, parsed once at boot; nothing else reads process.env. */
export const workerEnvSchema = z.object({
  DATABASE_URL: z.string({ error: DATABASE_URL_HINT }).url({ error: DATABASE_URL_HINT }),
  DATABASE_SCHEMA: z.string().min(1).optional(),
  EMBEDDED_DATABASE: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** BullMQ queues and pub/sub in Redis; without it jobs run in-process (one worker). */
  REDIS_URL: z.string().url({ error: "REDIS_URL must be a redis:// URL" }).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default("tengine:"),
  /** Prometheus /metrics and /healthz; 0 picks a free port. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Metrics list every tenant's slugs and tools: loopback unless a private network is meant. */
  WORKER_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (/healthz stays open). */
  // An empty value (compose's `${METRICS_TOKEN:-}`) means unset.
  METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
  /** Decrypts project secrets when an approved call is sent (the same key as the gateway's). */
  TENGINE_MASTER_KEY: masterKeySetting,
  /** Older master keys, comma-separated: still read (never written) during a master-key rotation. */
  TENGINE_PREVIOUS_MASTER_KEYS: z.string().default(""),
  ALLOW_PRIVATE_UPSTREAMS: bool.default(false),
  /** `host:port` pairs the SSRF guard lets through although private (npm start: the demo CRM) */
  UPSTREAM_ALLOWLIST: upstreamAllowlistSetting,
  /** Where approval webhooks link people to decide (the dashboard's public URL); without it they carry no link. */
  PUBLIC_DASHBOARD_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().url({ error: "PUBLIC_DASHBOARD_URL must be an http(s) URL" }).optional()),
});

export type WorkerConfig = {
  databaseUrl: string;
  databaseSchema?: string;
  embeddedDatabase: boolean;
  logLevel: string;
  redisUrl?: string;
  redisKeyPrefix: string;
  metricsPort: number;
  metricsHost: string;
  /** bearer token required by GET /metrics; unset = the listener's host is the only protection */
  metricsToken?: string;
  masterKey: string;
  /** TENGINE_PREVIOUS_MASTER_KEYS: decrypt-only keys during a master-key rotation */
  previousMasterKeys?: string[];
  allowPrivateUpstreams: boolean;
  upstreamAllowlist?: UpstreamAllowlist;
  /** approved calls of external MCP servers go out from the worker: catalog and credential sources */
  federation?: FederationSettings;
  /** the dashboard's public URL, for the links in approval webhooks */
  dashboardUrl?: string;
  /** SMTP_URL + SMTP_FROM: invitations and approval notifications are emailed */
  smtp?: SmtpConfig;
};

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerEnvSchema.safeParse(env);
  const smtp = smtpSettings.safeParse(env);
  if (!smtp.success) throw new Error(`Invalid worker configuration:\n${smtp.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid worker configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    ...(e.DATABASE_SCHEMA ? { databaseSchema: e.DATABASE_SCHEMA } : {}),
    embeddedDatabase: e.EMBEDDED_DATABASE,
    logLevel: e.LOG_LEVEL,
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    metricsPort: e.WORKER_METRICS_PORT,
    metricsHost: e.WORKER_METRICS_HOST,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    masterKey: e.TENGINE_MASTER_KEY,
    previousMasterKeys: e.TENGINE_PREVIOUS_MASTER_KEYS.split(",").map((k) => k.trim()).filter(Boolean),
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    upstreamAllowlist: e.UPSTREAM_ALLOWLIST,
    federation: readFederation(env),
    ...(e.PUBLIC_DASHBOARD_URL ? { dashboardUrl: e.PUBLIC_DASHBOARD_URL } : {}),
    ...(smtp.data ? { smtp: smtp.data } : {}),
  };
}

function readFederation(env: NodeJS.ProcessEnv): FederationSettings {
  try {
    return readFederationSettings(env);
  } catch (error) {
    throw new Error(`Invalid worker configuration:\n  ${(error as Error).message}`);
  }
}
