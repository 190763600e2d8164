import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createOrganization, createProject, deleteKeysWithPrefix, newId, SecretBox, type WorkerJobQueue } from "@tengine/core";
import { createJobQueue } from "@tengine/queue";
import { createTestDatabase } from "@tengine/db/testing";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The worker as production runs it: `apps/worker/src/main.ts` in its own process, BullMQ on
// the machine's Redis (a key prefix of its own) and a test schema in Postgres.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `test:${randomBytes(6).toString("hex")}:`;
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const DAY = 86_400_000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let producer: WorkerJobQueue;
let child: ChildProcess | undefined;
let locker: pg.Client | undefined;

type LogLine = { msg: string; job?: string; jobId?: string; metricsPort?: number; result?: unknown; level: number };
const lines: LogLine[] = [];

beforeAll(async () => {
  database = await createTestDatabase("worker_process");
  const org = await createOrganization(database.db, { name: "Worker" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Worker" })).id;
  await database.db.project.update({ where: { id: projectId }, data: { runRetentionDays: 7 } });
  producer = createJobQueue({ redisUrl: REDIS_URL, keyPrefix: PREFIX });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await locker?.end().catch(() => {});
  await producer?.close();
  const admin = new Redis(REDIS_URL);
  await deleteKeysWithPrefix(admin, PREFIX);
  await admin.quit();
  await database?.drop();
});

async function waitFor<T>(find: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out; worker log:\n${lines.map((l) => JSON.stringify(l)).join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("worker process", () => {
  it("runs jobs from BullMQ, shows them in /metrics, and on SIGTERM finishes the running job then exits 0", async () => {
    const old = newId("run", Date.now() - 10 * DAY);
    const fresh = newId("run");
    await database.db.run.createMany({
      data: [
        { id: old, projectId, toolName: "old", status: "succeeded", principalKind: "api_key", createdAt: new Date(Date.now() - 10 * DAY) },
        { id: fresh, projectId, toolName: "fresh", status: "succeeded", principalKind: "api_key" },
      ],
    });
    // Hold a lock on the old run: the retention job's DELETE waits for it, so the job is
    // still running when SIGTERM arrives.
    locker = new pg.Client({ connectionString: database.target.url });
    await locker.connect();
    await locker.query(`SET search_path TO "${database.target.schema}"`);
    await locker.query("BEGIN");
    await locker.query(`SELECT id FROM "Run" WHERE id = $1 FOR UPDATE`, [old]);

    child = spawn(process.execPath, ["--import", "tsx", MAIN], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.target.url,
        DATABASE_SCHEMA: database.target.schema,
        REDIS_URL,
        REDIS_KEY_PREFIX: PREFIX,
        WORKER_METRICS_PORT: "0",
        WORKER_METRICS_HOST: "127.0.0.1",
        TENGINE_MASTER_KEY: SecretBox.generateKey(),
        LOG_LEVEL: "debug",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as LogLine);
    });
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));

    const ready = await waitFor(() => lines.find((l) => l.msg.startsWith("worker ready")));
    const metricsUrl = `http://127.0.0.1:${ready.metricsPort}`;
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(200);

    // A job enqueued by another process (as the dashboard does) is handled by the worker.
    const approvalId = newId("approval");
    await producer.enqueue("approval.execute", { approvalId }, { jobId: approvalId });
    const handled = await waitFor(() => lines.find((l) => l.msg === "job completed" && l.job === "approval.execute"));
    expect(handled).toMatchObject({ jobId: approvalId, result: { executed: false, runId: "" } });
    await waitFor(() => lines.find((l) => l.msg === "job completed" && l.job === "oauth.cleanup"));

    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      return text.includes('tengine_worker_jobs_total{job="approval.execute",outcome="completed"} 1') ? text : undefined;
    });
    expect(metrics).toContain('tengine_worker_jobs_total{job="oauth.cleanup",outcome="completed"} 1');
    expect(metrics).toMatch(/tengine_worker_job_duration_seconds_count\{job="approval.execute"\} 1/);
    // runs.retention is still running (blocked on the lock); its next scheduled run waits too.
    const depth = Number(/tengine_worker_queue_depth\{job="runs.retention"\} (\d+)/.exec(metrics)?.[1]);
    expect(depth).toBeGreaterThanOrEqual(1);
    expect(metrics).toContain('tengine_worker_queue_depth{job="approval.execute"} 0');
    expect(lines.some((l) => l.msg === "job started" && l.job === "runs.retention")).toBe(true);
    expect(lines.some((l) => l.msg === "job completed" && l.job === "runs.retention")).toBe(false);

    child.kill("SIGTERM");
    await waitFor(() => lines.find((l) => l.msg.startsWith("shutting down")));
    // It keeps running while the job is blocked, and says it is stopping.
    await new Promise((r) => setTimeout(r, 700));
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(503);

    await locker.query("COMMIT");
    await locker.end();
    locker = undefined;
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
    const done = lines.findIndex((l) => l.msg === "job completed" && l.job === "runs.retention");
    expect(done).toBeGreaterThan(-1);
    expect(lines[done]!.result).toMatchObject({ deleted: 1, complete: true });
    expect(lines.findIndex((l) => l.msg === "worker stopped")).toBeGreaterThan(done);
    expect((await database.db.run.findMany({ where: { projectId }, select: { id: true } })).map((r) => r.id)).toEqual([fresh]);
  }, 60_000);
});
