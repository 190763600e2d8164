import { createOrganization, createProject, newId } from "@tengine/core";
import type { IdempotencyState } from "@tengine/db";
import { createTestDatabase } from "@tengine/db/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleIdempotencyRetention } from "./idempotency-retention.handler.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
const logger = pino({ level: "silent" });
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase("worker_retention");
  const org = await createOrganization(database.db, { name: "Acme" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Acme CRM" })).id;
}, 60_000);
afterAll(() => database?.drop());

function insertRecord(key: string, expiresAt: Date, state: IdempotencyState = "completed") {
  const runId = newId("run");
  return database.db.idempotencyRecord.create({
    data: {
      id: newId("idempotency"),
      projectId,
      principalKey: "api_key:key_test",
      toolId: newId("tool"),
      key,
      source: "header",
      requestHash: "0".repeat(64),
      state,
      runId,
      upstreamKey: runId,
      result: state === "completed" ? { content: [] } : undefined,
      expiresAt,
    },
  });
}

describe("idempotency retention", () => {
  it("deletes expired records and keeps live ones", async () => {
    const now = new Date();
    const expired = await insertRecord("expired", new Date(now.getTime() - HOUR));
    const live = await insertRecord("live", new Date(now.getTime() + 24 * HOUR));

    const result = await handleIdempotencyRetention({ db: database.db, logger }, now);

    expect(result).toEqual({ deleted: 1 });
    const remaining = await database.db.idempotencyRecord.findMany({ where: { projectId }, select: { id: true } });
    expect(remaining.map((r) => r.id)).toEqual([live.id]);
    expect(remaining.map((r) => r.id)).not.toContain(expired.id);
  });

  it("leaves an expired in-flight claim alone: its call may still be running", async () => {
    const inFlight = await insertRecord("in-flight", new Date(Date.now() - HOUR), "in_flight");
    expect(await handleIdempotencyRetention({ db: database.db, logger })).toEqual({ deleted: 0 });
    expect(await database.db.idempotencyRecord.findUnique({ where: { id: inFlight.id }, select: { id: true } })).not.toBeNull();
    await database.db.idempotencyRecord.delete({ where: { id: inFlight.id } });
  });

  it("is a no-op when nothing has expired", async () => {
    expect(await handleIdempotencyRetention({ db: database.db, logger })).toEqual({ deleted: 0 });
  });
});
