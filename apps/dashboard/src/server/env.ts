import "server-only";
import { z } from "zod";

const DATABASE_URL_HINT = "DATABASE_URL must be set to a postgres:// URL (npm start sets it for the embedded database)";
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Dashboard configuration; nothing else in the app reads process.env. */
export const dashboardEnvSchema = z.object({
  DATABASE_URL: z.string({ error: DATABASE_URL_HINT }).url({ error: DATABASE_URL_HINT }),
  DATABASE_SCHEMA: z.string().min(1).optional(),
  EMBEDDED_DATABASE: bool.default(false),
  PUBLIC_GATEWAY_URL: z.string().url().optional(),
});

export type DashboardConfig = {
  databaseUrl: string;
  databaseSchema?: string;
  embeddedDatabase: boolean;
  /** where MCP clients reach the gateway; project URLs are `${gatewayUrl}/p/<slug>/mcp` */
  gatewayUrl: string;
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
  };
  return cached;
}
