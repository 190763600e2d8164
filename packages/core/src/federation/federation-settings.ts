import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { loadMcpCatalog, type McpCatalog } from "./mcp-catalog.ts";
import { type CredentialSources, credentialEnv, loadCredentialsFile } from "./resolve-mcp-credentials.ts";

/** What every app that connects to or manages MCP servers takes from its environment, once at boot. */
export type FederationSettings = {
  catalog: McpCatalog;
  credentials: CredentialSources;
  /** each stdio server runs in `<workRoot>/<project id>/<server>` */
  workRoot: string;
};

/**
 * Reads the federation settings of a process from its environment: `TENGINE_MCP_CATALOG` (the
 * operator's catalog file of stdio servers; unset = none), `TENGINE_CREDENTIALS_FILE` (default
 * `~/.tengine/credentials.toml`), `TENGINE_MCP_WORKDIR` (default `<tmp>/tengine-mcp`) and the
 * `TENGINE_MCP_<SERVER>_<KEY>` credential variables. A broken catalog or credentials file
 * throws a message that names it.
 */
export function readFederationSettings(env: Readonly<Record<string, string | undefined>>): FederationSettings {
  const credentialsFile = env.TENGINE_CREDENTIALS_FILE || path.join(homedir(), ".tengine", "credentials.toml");
  return {
    catalog: loadMcpCatalog(env.TENGINE_MCP_CATALOG || undefined),
    credentials: { env: credentialEnv(env), file: loadCredentialsFile(credentialsFile) },
    workRoot: env.TENGINE_MCP_WORKDIR || path.join(tmpdir(), "tengine-mcp"),
  };
}
