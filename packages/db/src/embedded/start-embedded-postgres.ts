import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { startPgliteWireServer } from "./pglite-wire-server.ts";

/**
 * The embedded default (DESIGN §2): PGlite with its data under `dataDir`, served on loopback
 * so every process of `npm start` (and the CLI) connects to it like to any Postgres.
 */
export async function startEmbeddedPostgres(dataDir: string, port = 0) {
  await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  // The preferred port may be taken (another checkout's npm start): any free port will do,
  // since clients find the server through .data/embedded.json.
  const server = await startPgliteWireServer(pglite, { port }).catch(() => startPgliteWireServer(pglite, { port: 0 }));
  return {
    url: server.url,
    port: server.port,
    async close() {
      await server.close();
      await pglite.close();
    },
  };
}
