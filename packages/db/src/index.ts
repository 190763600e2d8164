export { createDb, type Db } from "./client.ts";
export { HotQueries, type ApiKeyAuthRow, type MemberSessionAuthRow, type OAuthConnectionAuthRow, type IdempotencyClaimInsert, type RunInsert } from "./hot-path/hot-queries.ts";
export { type DatabaseTarget, poolConfig } from "./connection.ts";
export { runMigrations, type MigrateResult } from "./migrate/run-migrations.ts";
export { startEmbeddedPostgres } from "./embedded/start-embedded-postgres.ts";
export { resolveDatabase, defaultDataDir } from "./embedded/resolve-database.ts";
export { resolveMasterKey } from "./embedded/master-key.ts";
export { isUniqueViolation } from "./errors.ts";
export * from "./generated/client.ts";
