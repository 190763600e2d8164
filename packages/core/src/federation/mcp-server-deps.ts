import type { Db } from "@tengine/db";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { UpstreamAllowlist } from "../outbound/ssrf-guard.ts";
import type { McpCatalog } from "./mcp-catalog.ts";
import type { McpPool } from "./mcp-pool.ts";

/**
 * What the admin operations on a project's MCP servers run with, in every app (dashboard,
 * CLI, tests): the database, the master key, the operator's catalog, the SSRF settings of the
 * process, and a pool to list a server's tools right away (without one, the server stays
 * `pending` until a gateway connects to it).
 */
export type McpAdminDeps = {
  db: Db;
  secretBox: SecretBox;
  catalog: McpCatalog;
  allowPrivate: boolean;
  allowlist?: UpstreamAllowlist;
  mcp?: McpPool;
};
