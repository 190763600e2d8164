import "server-only";
import { createDb, type Db } from "@tengine/db";
import { dashboardConfig } from "./env.ts";

// One client (and pg pool) per server process. Kept on globalThis because `next dev` re-evaluates
// modules on every edit, which would otherwise leak a pool per reload.
const holder = globalThis as typeof globalThis & { __tengineDashboardDb?: Db };

/** The process's Prisma client, created on first use. */
export function getDb(): Db {
  if (!holder.__tengineDashboardDb) {
    const config = dashboardConfig();
    const { db } = createDb(
      { url: config.databaseUrl, schema: config.databaseSchema, embedded: config.embeddedDatabase },
      { poolSize: 5 },
    );
    holder.__tengineDashboardDb = db;
  }
  return holder.__tengineDashboardDb;
}
