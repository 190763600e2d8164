import { createHash } from "node:crypto";
import type { McpServer } from "@tengine/db";
import { z } from "zod";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { type DeclaredCredential, type McpActivation, type McpToolSetting, readServerColumns, type UpstreamTool } from "./mcp-server-config.ts";

/**
 * A project's MCP server as a gateway process needs it: stored headers and credential values
 * decrypted once per config version, JSON columns validated. `version` changes with every edit,
 * so a pooled connection made for an older version is closed.
 */
export type McpServerRuntime = {
  id: string;
  projectId: string;
  name: string;
  transport: "http" | "stdio";
  url: string | null;
  catalogEntry: string | null;
  headers: Record<string, string>;
  declared: DeclaredCredential[];
  /** the project's stored credential values */
  stored: Record<string, string>;
  activation: McpActivation;
  toolSettings: Record<string, McpToolSetting>;
  tools: UpstreamTool[];
  /** changes when what the connection is made from changes (not with status or tool list) */
  version: string;
  /** the project's SSRF settings for http servers */
  allowHttp: boolean;
  allowedHosts: string[];
};

const stringMap = z.record(z.string(), z.string());

/** Decrypts one encrypted JSON object column; unreadable ciphertext throws (nothing is sent without it). */
export function decryptJsonMap(secretBox: SecretBox, value: string | null, ad: ReturnType<typeof secretAd.mcpServerHeaders>): Record<string, string> {
  if (!value) return {};
  const parsed = stringMap.safeParse(JSON.parse(secretBox.decrypt(value, ad)));
  return parsed.success ? parsed.data : {};
}

export function toServerRuntime(row: McpServer, secretBox: SecretBox, project: { allowHttpUpstreams: boolean; allowedUpstreamHosts: string[] }): McpServerRuntime {
  const columns = readServerColumns(row);
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    transport: row.transport,
    url: row.url,
    catalogEntry: row.catalogEntry,
    headers: decryptJsonMap(secretBox, row.headersEnc, secretAd.mcpServerHeaders(row.id)),
    declared: columns.credentials,
    stored: decryptJsonMap(secretBox, row.credentialsEnc, secretAd.mcpServerCredentials(row.id)),
    activation: columns.activation,
    toolSettings: columns.toolSettings,
    tools: columns.tools,
    version: connectionVersion(row, project),
    allowHttp: project.allowHttpUpstreams,
    allowedHosts: project.allowedUpstreamHosts,
  };
}

/** A hash of the columns a connection is made from: another value means a new connection. */
function connectionVersion(row: McpServer, project: { allowHttpUpstreams: boolean; allowedUpstreamHosts: string[] }): string {
  return createHash("sha256").update(JSON.stringify([row.transport, row.url, row.headersEnc, row.catalogEntry, row.credentialsEnc, row.credentials, project.allowHttpUpstreams, project.allowedUpstreamHosts])).digest("hex").slice(0, 16);
}
