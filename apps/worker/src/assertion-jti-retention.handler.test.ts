import { createOrganization, createProject } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleAssertionJtiRetention } from "./assertion-jti-retention.handler.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
const logger = pino({ level: "silent" });

beforeAll(async () => {
  database = await createTestDatabase("worker_jti");
  const org = await createOrganization(database.db, { name: "Acme" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Acme CRM" })).id;
}, 60_000);
afterAll(() => database?.drop());

describe("member-assertion jti retention", () => {
  it("deletes expired ids and keeps live ones", async () => {
    const now = new Date();
    await database.db.memberAssertionJti.createMany({
      data: [
        { projectId, jti: "old", expiresAt: new Date(now.getTime() - 60_000) },
        { projectId, jti: "live", expiresAt: new Date(now.getTime() + 60_000) },
      ],
    });
    expect(await handleAssertionJtiRetention({ db: database.db, logger }, now)).toEqual({ deleted: 1 });
    expect((await database.db.memberAssertionJti.findMany({ where: { projectId } })).map((r) => r.jti)).toEqual(["live"]);
    expect(await handleAssertionJtiRetention({ db: database.db, logger }, now)).toEqual({ deleted: 0 });
  });
});
