import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { type DatabaseTarget, poolConfig } from "../connection.ts";
import { lastSchemaEnginePanic, openSchemaEngine } from "./schema-engine.ts";
import { MIGRATIONS_DIR, readMigrations } from "./read-migrations.ts";

export type MigrateResult = { applied: string[] };

/**
 * Applies prisma/migrations/* with Prisma's own (wasm) schema engine through the pg driver
 * adapter — the same bookkeeping as `prisma migrate deploy` (`_prisma_migrations`, checksums,
 * advisory lock), so a deployment may switch to the real CLI at any time.
 */
export async function runMigrations(target: DatabaseTarget): Promise<MigrateResult> {
  if (target.schema) await ensureSchema(target);
  const migrations = await readMigrations();
  // We own the pool so that closing it releases the engine's advisory lock at once.
  const pool = new pg.Pool(poolConfig(target, 2));
  const adapter = new PrismaPg(pool, target.schema ? { schema: target.schema } : undefined);
  const engine = await openSchemaEngine(adapter);
  try {
    const output = await engine.applyMigrations({
      migrationsList: {
        baseDir: MIGRATIONS_DIR,
        lockfile: { path: "migration_lock.toml", content: 'provider = "postgresql"\n' },
        shadowDbInitScript: "",
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
        })),
      },
      filters: { externalTables: [], externalEnums: [] },
    });
    return { applied: output.appliedMigrationNames };
  } catch (error) {
    const panic = lastSchemaEnginePanic();
    throw new Error(`Migration failed: ${panic ?? (error instanceof Error ? error.message : String(error))}`);
  } finally {
    engine.free();
    await pool.end();
  }
}

async function ensureSchema(target: DatabaseTarget) {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
  } finally {
    await client.end();
  }
}
