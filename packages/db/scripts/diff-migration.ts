/**
 * Writes the next SQL migration: the difference between the schema as of the last migration
 * (prisma/migrations/schema.snapshot.prisma) and prisma/schema.prisma. Uses Prisma's wasm
 * schema engine, so no native engine download and no shadow database are needed.
 *
 *   npm run db:diff -- <name>
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { openSchemaEngine } from "../src/migrate/schema-engine.ts";
import { MIGRATIONS_DIR } from "../src/migrate/read-migrations.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- <name in snake_case>");
  process.exit(2);
}
const schemaPath = path.join(MIGRATIONS_DIR, "..", "schema.prisma");
const snapshotPath = path.join(MIGRATIONS_DIR, "schema.snapshot.prisma");
const next = await readFile(schemaPath, "utf8");
const previous = existsSync(snapshotPath) ? await readFile(snapshotPath, "utf8") : undefined;

// The engine opens its adapter eagerly; a diff between two datamodels runs no query.
const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const engine = await openSchemaEngine(new PrismaPg({ connectionString: url }));
const datamodel = (content: string) => ({ tag: "schemaDatamodel" as const, files: [{ path: "schema.prisma", content }] });
const { stdout } = await engine.diff({
  from: previous ? datamodel(previous) : { tag: "empty" },
  to: datamodel(next),
  script: true,
  exitCode: false,
  filters: { externalTables: [], externalEnums: [] },
} as never);
if (!stdout || /^-- This is an empty migration/.test(stdout)) {
  console.log("schema unchanged: no migration written");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "migration.sql"), stdout);
await writeFile(snapshotPath, next);
await writeFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), 'provider = "postgresql"\n');
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
process.exit(0);
