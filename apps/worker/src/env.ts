import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const DATABASE_URL_HINT = "DATABASE_URL must be set to a postgres:// URL (npm start sets it for the embedded database)";

/** Worker configuration, parsed once at boot; nothing else reads process.env. */
export const workerEnvSchema = z.object({
  DATABASE_URL: z.string({ error: DATABASE_URL_HINT }).url({ error: DATABASE_URL_HINT }),
  DATABASE_SCHEMA: z.string().min(1).optional(),
  EMBEDDED_DATABASE: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type WorkerConfig = {
  databaseUrl: string;
  databaseSchema?: string;
  embeddedDatabase: boolean;
  logLevel: string;
};

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerEnvSchema.safeParse(env);
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
  };
}
