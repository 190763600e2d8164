import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Gateway configuration, parsed once at boot; nothing else reads process.env. */
export const gatewayEnvSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL (npm start sets it for the embedded database)" }),
  DATABASE_SCHEMA: z.string().optional(),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  PUBLIC_GATEWAY_URL: z.string().url().optional(),
  PUBLIC_DASHBOARD_URL: z.string().url().optional(),
  TENGINE_MASTER_KEY: z.string().min(1, "TENGINE_MASTER_KEY is required: 32 random bytes, base64url (npm start generates one into .data/)"),
  ALLOW_PRIVATE_UPSTREAMS: bool.default(false),
  /** extra browser origins allowed to call the MCP endpoint, comma-separated */
  ALLOWED_ORIGINS: z.string().default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  EMBEDDED_DATABASE: bool.default(false),
  /** shared rate limits across replicas; without it limits are per process (in memory) */
  REDIS_URL: z.string().url({ message: "REDIS_URL must be a redis:// URL" }).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default("tengine:"),
});

export type GatewayConfig = {
  databaseUrl: string;
  databaseSchema?: string;
  embeddedDatabase: boolean;
  port: number;
  host: string;
  publicUrl: string;
  dashboardUrl?: string;
  masterKey: string;
  allowPrivateUpstreams: boolean;
  allowedOrigins: string[];
  logLevel: string;
  /** `redis://…`; unset = in-process rate limiter (one replica) */
  redisUrl?: string;
  /** prepended to every Redis key and channel */
  redisKeyPrefix?: string;
};

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = gatewayEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid gateway configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_GATEWAY_URL ?? `http://localhost:${e.GATEWAY_PORT}`).replace(/\/+$/, "");
  return {
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    embeddedDatabase: e.EMBEDDED_DATABASE,
    port: e.GATEWAY_PORT,
    host: e.GATEWAY_HOST,
    publicUrl,
    dashboardUrl: e.PUBLIC_DASHBOARD_URL?.replace(/\/+$/, ""),
    masterKey: e.TENGINE_MASTER_KEY,
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    allowedOrigins: e.ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
  };
}
