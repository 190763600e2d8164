import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb } from "./client.ts";
import type { DatabaseTarget } from "./connection.ts";
import { runMigrations } from "./migrate/run-migrations.ts";

/** The machine's Postgres, where integration tests run (DESIGN: real database, no mocks). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh, migrated schema of its own for one test file, dropped by `drop()`. Test files run
 * in parallel without seeing each other's rows.
 */
export async function createTestDatabase(label = "t") {
  const schema = `test_${label.replace(/\W/g, "_").slice(0, 20)}_${randomBytes(4).toString("hex")}`.toLowerCase();
  const target: DatabaseTarget = { url: TEST_DATABASE_URL, schema };
  await runMigrations(target);
  const { db, hot, close } = createDb(target, { poolSize: 5 });
  return {
    db,
    hot,
    target,
    async drop() {
      await close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    },
  };
}
