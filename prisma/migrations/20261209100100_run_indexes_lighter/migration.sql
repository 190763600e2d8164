-- Every call inserts one run, and every index on "Run" costs that insert an index entry and its
-- WAL. Two of them did nothing for most runs.
--
-- Each statement below runs on its own (CONCURRENTLY cannot run in a transaction): Prisma's
-- schema engine, which applies the migrations here as `prisma migrate deploy` does, sends a
-- migration's statements one at a time. So a deploy on a large runs table never blocks the
-- gateway's run inserts while an index is built or dropped. The new indexes are built under a temporary name and take the old name once the
-- old index is gone, so the schema ends up with the names Prisma knows. Should a build stop
-- midway (a cancelled deploy), Postgres keeps the half-built index as INVALID: drop the
-- "…_partial" index it names before applying this migration again.
--
-- "Run_createdAt_idx" (createdAt alone) served no query: every read of runs is scoped to a
-- project, and retention and usage go through ("projectId", "createdAt").
DROP INDEX CONCURRENTLY IF EXISTS "Run_createdAt_idx";
-- The member, API key and replay filters look for a value, never for NULL, and most runs have
-- no member (API key and OAuth calls), no API key (member and OAuth calls) and no original run
-- (everything but replays). Partial indexes hold only the runs that have one, and Postgres uses
-- them for `= value` because equality implies NOT NULL (generic plans included). Prisma's schema
-- cannot say "partial", so prisma/schema.prisma keeps these as plain @@index lines.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Run_projectId_memberId_id_partial" ON "Run"("projectId", "memberId", "id" DESC) WHERE "memberId" IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS "Run_projectId_memberId_id_idx";
ALTER INDEX "Run_projectId_memberId_id_partial" RENAME TO "Run_projectId_memberId_id_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Run_projectId_apiKeyId_id_partial" ON "Run"("projectId", "apiKeyId", "id" DESC) WHERE "apiKeyId" IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS "Run_projectId_apiKeyId_id_idx";
ALTER INDEX "Run_projectId_apiKeyId_id_partial" RENAME TO "Run_projectId_apiKeyId_id_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Run_projectId_originalRunId_partial" ON "Run"("projectId", "originalRunId") WHERE "originalRunId" IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS "Run_projectId_originalRunId_idx";
ALTER INDEX "Run_projectId_originalRunId_partial" RENAME TO "Run_projectId_originalRunId_idx";
