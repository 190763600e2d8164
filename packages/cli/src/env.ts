import { readFederationSettings } from "@tengine/core/federation/federation-settings";
import { upstreamAllowlistSetting } from "@tengine/core/outbound/upstream-allowlist-setting";
import { z } from "zod";

// An empty variable (`DATABASE_URL=`) means "not set", as in the apps.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const schema = z.object({
    DATABASE_URL: optional(z.string().url({ message: "must be a postgres:// URL" })),
    DATABASE_SCHEMA: optional(z.string()),
    TENGINE_MASTER_KEY: optional(z.string()),
    // Master-key rotation (tengine secrets rotate-master-key): the key to re-encrypt under, and
    // older keys that are still read, comma-separated.
    TENGINE_MASTER_KEY_NEW: optional(z.string()),
    TENGINE_PREVIOUS_MASTER_KEYS: optional(z.string()),
    TENGINE_DATA_DIR: optional(z.string()),
    PUBLIC_GATEWAY_URL: optional(z.string().url({ message: "must be a URL" })),
    // Invitation links point here (`tengine members invite`).
    PUBLIC_DASHBOARD_URL: optional(z.string().url({ message: "must be a URL" })),
    GATEWAY_PORT: z.coerce.number().int().default(8081),
    // As in the gateway: lifts the SSRF address checks (here, for `openapi import <url>`).
    ALLOW_PRIVATE_UPSTREAMS: optional(bool),
    UPSTREAM_ALLOWLIST: upstreamAllowlistSetting,
  });

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`error: invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}\n`);
  process.exit(2);
}

/** The CLI's configuration, read once (same variables as the apps, see README). */
export const cliEnv = parsed.data;

export const gatewayUrl = (cliEnv.PUBLIC_GATEWAY_URL ?? `http://localhost:${cliEnv.GATEWAY_PORT}`).replace(/\/+$/, "");

export const dashboardUrl = (cliEnv.PUBLIC_DASHBOARD_URL ?? "http://localhost:3000").replace(/\/+$/, "");

/** TENGINE_PREVIOUS_MASTER_KEYS as a list. */
export const previousMasterKeys = () => (cliEnv.TENGINE_PREVIOUS_MASTER_KEYS ?? "").split(",").map((k) => k.trim()).filter(Boolean);

/** The MCP catalog and credential sources, as the gateway reads them (TENGINE_MCP_CATALOG, TENGINE_CREDENTIALS_FILE, TENGINE_MCP_*). */
export const federationSettings = () => readFederationSettings(process.env);
