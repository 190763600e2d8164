import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseTarget } from "../connection.ts";
import { startEmbeddedPostgres } from "./start-embedded-postgres.ts";

/** `.data/` at the repository root, unless TENGINE_DATA_DIR says otherwise. */
export function defaultDataDir(override?: string): string {
  return override ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../.data");
}

type EmbeddedInfo = { url: string; pid: number };

/**
 * Finds the database a process should use (DESIGN §2 embedded default):
 * 1. `databaseUrl` when configured;
 * 2. else the embedded server another process (`npm start`) runs, found in `.data/embedded.json`;
 * 3. else, when `startIfMissing`, opens the embedded database here and serves it on
 *    `preferredPort` (0 = any), recording it for other processes.
 * Only one process owns PGlite's files at a time; everyone else connects over loopback.
 */
export async function resolveDatabase(options: { databaseUrl?: string; schema?: string; dataDir: string; startIfMissing: boolean; preferredPort?: number }): Promise<{ target: DatabaseTarget; owned?: { close(): Promise<void> } }> {
  if (options.databaseUrl) return { target: { url: options.databaseUrl, schema: options.schema } };
  const infoPath = path.join(options.dataDir, "embedded.json");
  const running = await readRunning(infoPath);
  if (running) return { target: { url: running.url, embedded: true } };
  if (!options.startIfMissing) throw new Error("No database: set DATABASE_URL, or run `npm start` for the embedded one");
  // Owner-only: it holds the database files and the secrets.
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const server = await startEmbeddedPostgres(path.join(options.dataDir, "pg"), options.preferredPort ?? 0);
  await writeFile(infoPath, JSON.stringify({ url: server.url, pid: process.pid } satisfies EmbeddedInfo));
  return {
    target: { url: server.url, embedded: true },
    owned: {
      async close() {
        await server.close();
        await rm(infoPath, { force: true });
      },
    },
  };
}

async function readRunning(infoPath: string): Promise<EmbeddedInfo | null> {
  if (!existsSync(infoPath)) return null;
  try {
    const info = JSON.parse(await readFile(infoPath, "utf8")) as EmbeddedInfo;
    process.kill(info.pid, 0); // throws when that process is gone
    const { hostname, port } = new URL(info.url);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(() => resolve()));
      socket.once("error", reject);
    });
    return info;
  } catch {
    return null;
  }
}
