import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { DeclaredCredential } from "./mcp-server-config.ts";

/**
 * Where credentials come from besides the project's encrypted values: for self-hosted
 * deployments, `TENGINE_MCP_<SERVER>_<KEY>` variables and a credentials file's `[mcp.<server>]`
 * tables. The app reads both once at boot and hands them over; core never reads process.env.
 */
export type CredentialSources = {
  /** the `TENGINE_MCP_*` variables of the process */
  env: Readonly<Record<string, string | undefined>>;
  /** server name → key → value, from the credentials file */
  file: Readonly<Record<string, Readonly<Record<string, string>>>>;
};

export const NO_CREDENTIAL_SOURCES: CredentialSources = { env: {}, file: {} };

/** `TENGINE_MCP_<SERVER>_<KEY>`: upper-cased, every character outside A–Z and 0–9 turned into `_`. */
export function credentialEnvName(server: string, key: string): string {
  return `TENGINE_MCP_${server}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The `TENGINE_MCP_*` variables of an environment (what an app passes as `CredentialSources.env`). */
export function credentialEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith("TENGINE_MCP_") && typeof e[1] === "string"));
}

/**
 * Reads `[mcp.<server>]` tables of a TOML credentials file. A missing file is no credentials; a
 * file that does not parse is an error naming it (a typo must not silently drop a token).
 */
export function loadCredentialsFile(path: string): CredentialSources["file"] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`credentials file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`credentials file ${path} is not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
  const mcp = doc.mcp;
  if (!mcp || typeof mcp !== "object") return {};
  const out: Record<string, Record<string, string>> = {};
  for (const [server, table] of Object.entries(mcp as Record<string, unknown>)) {
    if (!table || typeof table !== "object") continue;
    out[server] = Object.fromEntries(Object.entries(table as Record<string, unknown>).filter((e): e is [string, string | number | boolean] => ["string", "number", "boolean"].includes(typeof e[1])).map(([k, v]) => [k, String(v)]));
  }
  return out;
}

export type ResolvedCredentials = {
  values: Record<string, string>;
  /** declared keys no source has a value for */
  missing: string[];
  /** values of secret credentials: redacted from runs, logs and results */
  secretValues: string[];
};

/**
 * Each credential's value, from the first source that has it: the project's stored values,
 * then `TENGINE_MCP_<SERVER>_<KEY>`, then the credentials file's `[mcp.<server>]` table.
 */
export function resolveMcpCredentials(server: string, declared: readonly DeclaredCredential[], stored: Readonly<Record<string, string>>, sources: CredentialSources): ResolvedCredentials {
  const fileTable = sources.file[server] ?? {};
  const keys = new Set([...declared.map((c) => c.key), ...Object.keys(stored), ...Object.keys(fileTable)]);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const key of keys) {
    const value = stored[key] ?? sources.env[credentialEnvName(server, key)] ?? fileTable[key];
    if (value === undefined || value === "") missing.push(key);
    else values[key] = value;
  }
  const secretKeys = new Set(declared.filter((c) => c.secret === false).map((c) => c.key));
  // Undeclared values (set without a declaration) count as secret.
  const secretValues = Object.entries(values).filter(([k]) => !secretKeys.has(k)).map(([, v]) => v);
  return { values, missing, secretValues };
}

const BEARER_KEYS = new Set(["authorization", "api_key", "token", "bearer_token"]);

/**
 * Credentials as HTTP headers: `authorization`, `api_key`, `token` or `bearer_token` become
 * `Authorization: Bearer …`; `header_<name>` becomes header `<name>` (`_` read as `-`).
 */
export function credentialHeaders(values: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const lower = key.toLowerCase();
    if (BEARER_KEYS.has(lower)) headers.authorization = /^bearer\s/i.test(value) ? value : `Bearer ${value}`;
    else if (lower.startsWith("header_") && lower.length > 7) headers[lower.slice(7).replace(/_/g, "-")] = value;
  }
  return headers;
}
