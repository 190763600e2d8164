import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing.ts";

// The migrations as a deployment applies them (createTestDatabase runs them all on a new
// schema), read back from Postgres's catalog: what the call path's cost depends on.

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase("migrations");
});
afterAll(() => database?.drop());

async function runIndexes(): Promise<Map<string, string>> {
  const rows = await database.db.$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'Run'`,
  );
  return new Map(rows.map((r) => [r.indexname, r.indexdef]));
}

describe("migrations", () => {
  it("leave no index half-built (the runs indexes are built concurrently)", async () => {
    const invalid = await database.db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)`,
    );
    expect(invalid).toEqual([]);
  });

  it("give runs the member, API key and replay indexes only for runs that have one, under Prisma's names", async () => {
    const indexes = await runIndexes();
    expect(indexes.get("Run_projectId_memberId_id_idx")).toMatch(/WHERE \("memberId" IS NOT NULL\)$/);
    expect(indexes.get("Run_projectId_apiKeyId_id_idx")).toMatch(/WHERE \("apiKeyId" IS NOT NULL\)$/);
    expect(indexes.get("Run_projectId_originalRunId_idx")).toMatch(/WHERE \("originalRunId" IS NOT NULL\)$/);
    expect(indexes.has("Run_createdAt_idx")).toBe(false);
    expect([...indexes.keys()].filter((name) => name.endsWith("_partial"))).toEqual([]);
  });

  it("leave room on idempotency record pages for the settle's new row version", async () => {
    const rows = await database.db.$queryRawUnsafe<{ reloptions: string[] | null }[]>(
      `SELECT c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'IdempotencyRecord'`,
    );
    expect(rows[0]?.reloptions).toContain("fillfactor=50");
  });
});
