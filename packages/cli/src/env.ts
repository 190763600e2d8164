import { z } from "zod";

/** The CLI's configuration, read once (same variables as the apps, see README). */
export const cliEnv = z
  .object({
    DATABASE_URL: z.string().url().optional(),
    DATABASE_SCHEMA: z.string().optional(),
    TENGINE_MASTER_KEY: z.string().optional(),
    TENGINE_DATA_DIR: z.string().optional(),
    PUBLIC_GATEWAY_URL: z.string().url().optional(),
    GATEWAY_PORT: z.coerce.number().int().default(8081),
  })
  .parse(process.env);

export const gatewayUrl = (cliEnv.PUBLIC_GATEWAY_URL ?? `http://localhost:${cliEnv.GATEWAY_PORT}`).replace(/\/+$/, "");
