import "server-only";
import { type FederationSettings, masterKeySetting, readFederationSettings, type SmtpConfig, smtpSettings, type UpstreamAllowlist, upstreamAllowlistSetting, weakSecretReason } from "@tengine/core";
import { z } from "zod";

const DATABASE_URL_HINT = "DATABASE_URL must be set to a postgres:// URL (npm start sets it for the embedded database)";
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Dashboard configuration; nothing else in the app reads process.env. */
export const dashboardEnvSchema = z.object({
  DATABASE_URL: z.string({ error: DATABASE_URL_HINT }).url({ error: DATABASE_URL_HINT }),
  DATABASE_SCHEMA: z.string().min(1).optional(),
  EMBEDDED_DATABASE: bool.default(false),
  PUBLIC_GATEWAY_URL: z.string().url().optional(),
  PUBLIC_DASHBOARD_URL: z.string().url().optional(),
  /** encrypts tool secrets written in the editor; the same key as the gateway's (npm start generates one) */
  TENGINE_MASTER_KEY: masterKeySetting,
  /** older master keys, comma-separated: still read (never written) during a master-key rotation */
  TENGINE_PREVIOUS_MASTER_KEYS: z.string().default(""),
  /**
   * Signs session cookies. Required, at least 32 random bytes: whoever knows it can sign in as
   * anyone, so it is never derived from anything guessable (npm start generates one).
   */
  NEXTAUTH_SECRET: z.string({ error: weakSecretReason("NEXTAUTH_SECRET", undefined) }).superRefine((value, ctx) => {
    const reason = weakSecretReason("NEXTAUTH_SECRET", value);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  }),
  /**
   * Behind one reverse proxy that sets X-Forwarded-For: sign-in limits per client address use
   * its last hop. Off by default, because a client can send any X-Forwarded-For it likes.
   */
  TRUST_PROXY: bool.default(false),
  ALLOW_PRIVATE_UPSTREAMS: bool.default(false),
  /** `host:port` pairs the SSRF guard lets through although private (npm start: the demo CRM) */
  UPSTREAM_ALLOWLIST: upstreamAllowlistSetting,
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Single sign-on"),
  /** with Redis, an approval decided here is handed to the worker's queue at once (else its sweep finds it) */
  REDIS_URL: z.string().url({ error: "REDIS_URL must be a redis:// URL" }).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default("tengine:"),
});

export type DashboardConfig = {
  databaseUrl: string;
  databaseSchema?: string;
  embeddedDatabase: boolean;
  /** where MCP clients reach the gateway; project URLs are `${gatewayUrl}/p/<slug>/mcp` */
  gatewayUrl: string;
  dashboardUrl: string;
  masterKey: string;
  /** TENGINE_PREVIOUS_MASTER_KEYS: decrypt-only keys during a master-key rotation */
  previousMasterKeys: string[];
  nextAuthSecret: string;
  trustProxy: boolean;
  allowPrivateUpstreams: boolean;
  upstreamAllowlist: UpstreamAllowlist;
  oidc?: { issuer: string; clientId: string; clientSecret: string; name: string };
  redisUrl?: string;
  redisKeyPrefix: string;
  /** external MCP servers: the operator's catalog and credential sources (TENGINE_MCP_CATALOG, …) */
  federation: FederationSettings;
  /** SMTP_URL + SMTP_FROM: invitations are emailed (by the worker, from the outbox) */
  smtp?: SmtpConfig;
};

let cached: DashboardConfig | undefined;

/**
 * Parsed once per server process, on first use rather than at import: `next build` loads the
 * route modules to collect their config, and the build must not need a database URL.
 */
export function dashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  if (cached) return cached;
  const parsed = dashboardEnvSchema.safeParse(env);
  const smtp = smtpSettings.safeParse(env);
  if (!parsed.success || !smtp.success) {
    const lines = [...(parsed.error?.issues ?? []), ...(smtp.error?.issues ?? [])].map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid dashboard configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  cached = {
    databaseUrl: e.DATABASE_URL,
    ...(e.DATABASE_SCHEMA ? { databaseSchema: e.DATABASE_SCHEMA } : {}),
    embeddedDatabase: e.EMBEDDED_DATABASE,
    gatewayUrl: (e.PUBLIC_GATEWAY_URL ?? "http://localhost:8081").replace(/\/+$/, ""),
    dashboardUrl: (e.PUBLIC_DASHBOARD_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
    masterKey: e.TENGINE_MASTER_KEY,
    previousMasterKeys: e.TENGINE_PREVIOUS_MASTER_KEYS.split(",").map((k) => k.trim()).filter(Boolean),
    nextAuthSecret: e.NEXTAUTH_SECRET,
    trustProxy: e.TRUST_PROXY,
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    upstreamAllowlist: e.UPSTREAM_ALLOWLIST,
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    federation: readFederationSettings(env),
    ...(smtp.data ? { smtp: smtp.data } : {}),
    ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
      ? { oidc: { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME } }
      : {}),
  };
  return cached;
}

/**
 * Called once when the server starts (instrumentation.ts): a dashboard without a usable
 * NEXTAUTH_SECRET or TENGINE_MASTER_KEY (or with any other bad setting) stops with one message
 * saying what to set, instead of starting and failing on the first request. `next build` loads
 * the same hook and needs no secrets, so the build phase is skipped.
 */
export function exitOnInvalidConfig(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NEXT_PHASE === "phase-production-build") return;
  try {
    dashboardConfig(env);
  } catch (error) {
    console.error(`\n${(error as Error).message}\nThe dashboard did not start.\n`);
    process.exit(1);
  }
}
