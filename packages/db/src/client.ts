import { createHash } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { type DatabaseTarget, poolConfig } from "./connection.ts";
import { HotQueries } from "./hot-path/hot-queries.ts";

export type Db = PrismaClient;

/**
 * A Prisma client over the pg driver adapter. One per process: it owns a connection pool.
 * On a real Postgres, statements are prepared once per connection and reused (the tool-call
 * path runs the same handful of queries over and over); the embedded server shares a single
 * backend session between clients, where named statements would collide, so it goes unnamed.
 */
export function createDb(target: DatabaseTarget, options: { poolSize?: number } = {}): { db: Db; pool: pg.Pool; hot: HotQueries; close(): Promise<void> } {
  const pool = new pg.Pool(poolConfig(target, options.poolSize ?? 10));
  // Idle clients can die with the server (restart, failover); without a listener the pool's
  // "error" event would crash the process. The next query gets a fresh connection.
  pool.on("error", () => {});
  const adapter = new PrismaPg(pool, {
    ...(target.schema ? { schema: target.schema } : {}),
    ...(target.embedded ? {} : { statementNameGenerator: (query) => `s${createHash("sha1").update(query.sql).digest("hex").slice(0, 16)}` }),
  });
  const db = new PrismaClient({ adapter });
  return {
    db,
    pool,
    hot: new HotQueries(pool, !target.embedded),
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
