-- Every call inserts one run, and every index on "Run" costs that insert an index entry and its
-- WAL. Two of them did nothing for most runs:
-- * "Run_createdAt_idx" (createdAt alone) served no query: every read of runs is scoped to a
--   project, and retention and usage go through ("projectId", "createdAt").
DROP INDEX "Run_createdAt_idx";
-- * the member, API key and replay filters look for a value, never for NULL, and most runs
--   have no member (API key and OAuth calls), no API key (member and OAuth calls) and no
--   original run (everything but replays). Partial indexes hold only the runs that have one, and
--   Postgres uses them for `= value` because equality implies NOT NULL. Prisma's schema
--   cannot say "partial", so prisma/schema.prisma keeps these as plain @@index lines.
DROP INDEX "Run_projectId_memberId_id_idx";
CREATE INDEX "Run_projectId_memberId_id_idx" ON "Run"("projectId", "memberId", "id" DESC) WHERE "memberId" IS NOT NULL;
DROP INDEX "Run_projectId_apiKeyId_id_idx";
CREATE INDEX "Run_projectId_apiKeyId_id_idx" ON "Run"("projectId", "apiKeyId", "id" DESC) WHERE "apiKeyId" IS NOT NULL;
DROP INDEX "Run_projectId_originalRunId_idx";
CREATE INDEX "Run_projectId_originalRunId_idx" ON "Run"("projectId", "originalRunId") WHERE "originalRunId" IS NOT NULL;
