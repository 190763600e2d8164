import { createOrganization, createProject, newId, readUsageWatermark, SecretBox } from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../src/env.ts";
import { startWorker } from "../src/start-worker.ts";

// The embedded default (npm start without REDIS_URL): the worker runs in the caller's process
// on its database pool, with the in-process queue.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;

beforeAll(async () => {
  database = await createTestDatabase("worker_embedded");
  const org = await createOrganization(database.db, { name: "Embedded" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Embedded" })).id;
}, 60_000);
afterAll(() => database?.drop());

async function waitFor<T>(find: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("startWorker without Redis", () => {
  it("runs the maintenance jobs in-process, serves metrics and closes cleanly", async () => {
    const expired = new Date(Date.now() - 60_000);
    await database.db.memberAssertionJti.create({ data: { projectId, jti: "old", expiresAt: expired } });
    await database.db.run.create({ data: { id: newId("run", Date.now() - 3 * 3_600_000), projectId, toolName: "t", status: "succeeded", principalKind: "api_key", gatewayMs: 3, createdAt: new Date(Date.now() - 3 * 3_600_000) } });

    const config = loadWorkerConfig({
      DATABASE_URL: database.target.url,
      DATABASE_SCHEMA: database.target.schema,
      TENGINE_MASTER_KEY: SecretBox.generateKey(),
      WORKER_METRICS_PORT: "0",
      WORKER_METRICS_HOST: "127.0.0.1",
    });
    expect(config.redisUrl).toBeUndefined();
    const worker = await startWorker({ config, logger: pino({ level: "silent" }), database: { db: database.db, hot: database.hot } });
    try {
      expect(worker.queue.kind).toBe("memory");
      // Scheduled jobs run at start: the jti sweep and the usage roll-up.
      await waitFor(async () => (await database.db.memberAssertionJti.count({ where: { projectId } })) === 0);
      // The first roll-up catches up over 8 days, a day per transaction, up to 15-25 minutes ago.
      const watermark = await waitFor(async () => {
        const mark = await readUsageWatermark(database.db);
        return mark && Date.now() - mark.getTime() < 30 * 60_000 && mark;
      });
      expect(Date.now() - watermark.getTime()).toBeGreaterThanOrEqual(15 * 60_000);
      expect(await database.db.usageRollup.aggregate({ where: { projectId }, _sum: { calls: true } })).toEqual({ _sum: { calls: 1 } });

      const metrics = await waitFor(async () => {
        const text = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
        return text.includes('tengine_worker_jobs_total{job="usage.rollup",outcome="completed"} 1') && text;
      });
      expect(metrics).toContain('tengine_worker_jobs_total{job="assertion-jti.retention",outcome="completed"} 1');
      expect(metrics).toContain('tengine_worker_queue_depth{job="approval.execute"} 0');
      // A bad payload never reaches a handler.
      await expect(worker.queue.enqueue("approval.execute", { approvalId: "../../etc" })).rejects.toThrow(/invalid payload for job approval.execute/);
    } finally {
      await worker.close();
    }
    // The caller's pool is still usable: startWorker does not close what it did not open.
    expect(await database.db.project.count()).toBe(1);
    await expect(fetch(`http://127.0.0.1:${worker.metricsPort}/healthz`)).rejects.toThrow();
  });

  it("serves metrics on loopback by default, and behind METRICS_TOKEN when it is set", async () => {
    const base = { DATABASE_URL: database.target.url, DATABASE_SCHEMA: database.target.schema, TENGINE_MASTER_KEY: SecretBox.generateKey(), WORKER_METRICS_PORT: "0" };
    expect(loadWorkerConfig(base).metricsHost).toBe("127.0.0.1");
    expect(() => loadWorkerConfig({ ...base, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    const token = "worker-metrics-token-123";
    const worker = await startWorker({ config: loadWorkerConfig({ ...base, METRICS_TOKEN: token }), logger: pino({ level: "silent" }), database: { db: database.db, hot: database.hot } });
    try {
      const url = `http://127.0.0.1:${worker.metricsPort}`;
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer not-the-token-000000" } })).status).toBe(401);
      const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("tengine_worker_queue_depth");
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await worker.close();
    }
  });
});
