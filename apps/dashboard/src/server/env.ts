import "server-only";
import { type UpstreamAllowlist, upstreamAllowlistSetting } from "@tengine/core";
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
  /** encrypts tool secrets written in the editor; the same key as the gateway's */
  TENGINE_MASTER_KEY: z.string().min(1).optional(),
  /** signs session cookies; npm start derives one from the master key */
  NEXTAUTH_SECRET: z.string().min(16).optional(),
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
  masterKey?: string;
  nextAuthSecret?: string;
  allowPrivateUpstreams: boolean;
  upstreamAllowlist: UpstreamAllowlist;
  oidc?: { issuer: string; clientId: string; clientSecret: string; name: string };
  redisUrl?: string;
  redisKeyPrefix: string;
};

let cached: DashboardConfig | undefined;

/**
 * Parsed once per server process, on first use rather than at import: `next build` loads the
 * route modules to collect their config, and the build must not need a database URL.
 */
export function dashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  if (cached) return cached;
  const parsed = dashboardEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid dashboard configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  cached = {
    databaseUrl: e.DATABASE_URL,
    ...(e.DATABASE_SCHEMA ? { databaseSchema: e.DATABASE_SCHEMA } : {}),
    embeddedDatabase: e.EMBEDDED_DATABASE,
    gatewayUrl: (e.PUBLIC_GATEWAY_URL ?? "http://localhost:8081").replace(/\/+$/, ""),
    dashboardUrl: (e.PUBLIC_DASHBOARD_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
    ...(e.TENGINE_MASTER_KEY ? { masterKey: e.TENGINE_MASTER_KEY } : {}),
    ...(e.NEXTAUTH_SECRET ? { nextAuthSecret: e.NEXTAUTH_SECRET } : {}),
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    upstreamAllowlist: e.UPSTREAM_ALLOWLIST,
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
      ? { oidc: { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME } }
      : {}),
  };
  return cached;
}
