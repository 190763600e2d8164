import { readFileSync } from "node:fs";
import { z } from "zod";
import { declaredCredentialSchema } from "./mcp-server-config.ts";

/** Limits a stdio server runs under unless its catalog entry says otherwise. */
export const DEFAULT_STDIO_LIMITS = {
  /** resident memory, checked every few seconds; above it the child is killed */
  memoryMb: 512,
  /** bytes of one message (a line of stdout) and of the stderr kept for the last error */
  maxOutputBytes: 4 * 1024 * 1024,
  /** after this the child is stopped and started again at the next call */
  maxLifetimeSec: 3600,
};

const catalogEntrySchema = z.object({
  description: z.string().optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** the only environment the child gets besides PATH and the resolved credentials */
  env: z.record(z.string(), z.string()).default({}),
  credentials: z.array(declaredCredentialSchema).default([]),
  limits: z
    .object({
      memoryMb: z.number().int().min(16).max(65_536).optional(),
      maxOutputBytes: z.number().int().min(1024).max(256 * 1024 * 1024).optional(),
      maxLifetimeSec: z.number().int().min(10).max(7 * 86_400).optional(),
    })
    .default({}),
});
export type McpCatalogEntry = Omit<z.infer<typeof catalogEntrySchema>, "limits"> & { name: string; limits: typeof DEFAULT_STDIO_LIMITS };

/** The operator's catalog of stdio servers a project may run: entry name → command. */
export type McpCatalog = ReadonlyMap<string, McpCatalogEntry>;

export const EMPTY_CATALOG: McpCatalog = new Map();

const catalogSchema = z.object({ servers: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "catalog entry names are lower-case letters, digits and '-'"), catalogEntrySchema) });

/** Parses a catalog file's text (JSON: `{ "servers": { "<entry>": { command, args, env, credentials, limits } } }`). */
export function parseMcpCatalog(text: string): { ok: true; catalog: McpCatalog } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const catalog = new Map<string, McpCatalogEntry>();
  for (const [name, entry] of Object.entries(parsed.data.servers)) catalog.set(name, { ...entry, name, limits: { ...DEFAULT_STDIO_LIMITS, ...entry.limits } });
  return { ok: true, catalog };
}

/** Reads the catalog file a deployment names; a missing or broken file fails with what to fix. */
export function loadMcpCatalog(path: string | undefined): McpCatalog {
  if (!path) return EMPTY_CATALOG;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`TENGINE_MCP_CATALOG names ${path}, which cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseMcpCatalog(text);
  if (!parsed.ok) throw new Error(`TENGINE_MCP_CATALOG file ${path} is not a valid catalog: ${parsed.error}`);
  return parsed.catalog;
}
