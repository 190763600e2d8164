import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { deleteKeysWithPrefix, type JobEvent, type JobName, type JobOverrides, JobPayloadError, newId, type WorkerJobQueue } from "@tengine/core";
import { createJobQueue } from "./create-job-queue.ts";

// Contract tests (STYLE.md 10): the same behaviours against BullMQ on the machine's real
// Redis and the in-process queue. Each queue gets its own key prefix under PREFIX, which this
// file deletes at the end.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `test:${randomBytes(6).toString("hex")}:`;
const queues: WorkerJobQueue[] = [];
let seq = 0;

afterAll(async () => {
  await Promise.allSettled(queues.map((q) => q.close()));
  const admin = new Redis(REDIS_URL);
  await deleteKeysWithPrefix(admin, PREFIX);
  await admin.quit();
});

const impls = [
  { name: "memory", redisUrl: undefined },
  { name: "bullmq", redisUrl: REDIS_URL },
] as const;

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(impls)("JobQueue contract: $name", (impl) => {
  function newQueue(overrides?: JobOverrides): WorkerJobQueue {
    const queue = createJobQueue({ redisUrl: impl.redisUrl, keyPrefix: `${PREFIX}${++seq}:`, ...(overrides ? { overrides } : {}) });
    queues.push(queue);
    return queue;
  }

  it("reports its kind", () => {
    expect(newQueue().kind).toBe(impl.redisUrl ? "redis" : "memory");
  });

  it("handles an enqueued job exactly once, with its payload", async () => {
    const queue = newQueue();
    const seen: string[] = [];
    await queue.work({ "approval.execute": async ({ approvalId }) => void seen.push(approvalId) });
    const approvalId = newId("approval");
    await queue.enqueue("approval.execute", { approvalId });
    await waitFor(() => seen.length === 1);
    await sleep(200);
    expect(seen).toEqual([approvalId]);
    await queue.close();
  });

  it("ignores a second enqueue with the same jobId while the first is pending", async () => {
    const queue = newQueue();
    const approvalId = newId("approval");
    for (let i = 0; i < 3; i++) await queue.enqueue("approval.execute", { approvalId }, { jobId: approvalId });
    await queue.enqueue("approval.execute", { approvalId: newId("approval") }, { jobId: "other" });
    expect((await queue.depth())["approval.execute"]).toBe(2);
    const seen: string[] = [];
    await queue.work({ "approval.execute": async (p, ctx) => void seen.push(`${ctx.jobId}=${p.approvalId}`) });
    await waitFor(() => seen.length === 2);
    await sleep(200);
    expect(seen).toHaveLength(2);
    expect(seen).toContain(`${approvalId}=${approvalId}`);
    expect(seen.find((s) => s.startsWith("other="))).toMatch(/^other=apv_/);
    await queue.close();
  });

  it("retries a failed job after its exponential backoff, then succeeds", async () => {
    const queue = newQueue({ "approval.execute": { attempts: 3, backoff: { delayMs: 300, jitter: 0 } } });
    const tries: Array<{ attempt: number; at: number }> = [];
    const events: JobEvent[] = [];
    await queue.work(
      {
        "approval.execute": async (_p, ctx) => {
          tries.push({ attempt: ctx.attempt, at: Date.now() });
          if (ctx.attempt === 1) throw new Error("upstream unavailable");
          return "ok";
        },
      },
      { onEvent: (e) => events.push(e) },
    );
    await queue.enqueue("approval.execute", { approvalId: newId("approval") });
    await waitFor(() => events.some((e) => e.type === "completed"));
    expect(tries.map((t) => t.attempt)).toEqual([1, 2]);
    const gap = tries[1]!.at - tries[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(280);
    expect(gap).toBeLessThan(3_000);
    const failed = events.find((e) => e.type === "failed");
    expect(failed).toMatchObject({ name: "approval.execute", attempt: 1, willRetry: true, timedOut: false });
    expect(events.find((e) => e.type === "completed")).toMatchObject({ attempt: 2, result: "ok" });
    await queue.close();
  });

  it("gives up after the last attempt", async () => {
    const queue = newQueue({ "approval.execute": { attempts: 2, backoff: { delayMs: 50, jitter: 0 } } });
    const events: JobEvent[] = [];
    let calls = 0;
    await queue.work({ "approval.execute": async () => { calls++; throw new Error("still down"); } }, { onEvent: (e) => events.push(e) });
    await queue.enqueue("approval.execute", { approvalId: newId("approval") });
    await waitFor(() => events.some((e) => e.type === "failed" && !e.willRetry));
    await sleep(300);
    expect(calls).toBe(2);
    expect(events.filter((e) => e.type === "failed").map((e) => (e as Extract<JobEvent, { type: "failed" }>).willRetry)).toEqual([true, false]);
    expect((await queue.depth())["approval.execute"]).toBe(0);
    await queue.close();
  });

  it("counts an attempt past its timeout as failed and aborts its signal", async () => {
    const queue = newQueue({ "approval.execute": { attempts: 1, timeoutMs: 200 } });
    const events: JobEvent[] = [];
    let aborted = false;
    await queue.work(
      {
        "approval.execute": (_p, ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener("abort", () => {
              aborted = true;
              resolve("too late");
            });
          }),
      },
      { onEvent: (e) => events.push(e) },
    );
    await queue.enqueue("approval.execute", { approvalId: newId("approval") });
    await waitFor(() => events.some((e) => e.type === "failed"));
    const failed = events.find((e) => e.type === "failed") as Extract<JobEvent, { type: "failed" }>;
    expect(failed).toMatchObject({ timedOut: true, willRetry: false });
    expect(failed.error.message).toBe("job approval.execute timed out after 200 ms");
    expect(failed.durationMs).toBeGreaterThanOrEqual(190);
    expect(aborted).toBe(true);
    expect(events.some((e) => e.type === "completed")).toBe(false);
    await queue.close();
  });

  it("rejects a bad payload at enqueue without echoing it", async () => {
    const queue = newQueue();
    const bad = [{ approvalId: "not-an-id" }, { approvalId: newId("approval"), arguments: { token: "s3cret" } }, {}];
    for (const payload of bad) {
      const err = await queue.enqueue("approval.execute", payload as { approvalId: string }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(JobPayloadError);
      expect((err as Error).message).toMatch(/^invalid payload for job approval\.execute: /);
      expect((err as Error).message).not.toContain("s3cret");
      expect((err as Error).message).not.toContain("not-an-id");
    }
    await expect(queue.enqueue("usage.rollup", { projectId: "prj_x" } as never)).rejects.toBeInstanceOf(JobPayloadError);
    await expect(queue.enqueue("approval.execute", { approvalId: newId("approval") }, { jobId: "a:b" })).rejects.toThrow(/jobId/);
    expect(Object.values(await queue.depth()).every((n) => n === 0)).toBe(true);
    await queue.close();
  });

  it("reports depth per job name: waiting and delayed jobs", async () => {
    const queue = newQueue();
    await queue.enqueue("approval.execute", { approvalId: newId("approval") });
    await queue.enqueue("approval.execute", { approvalId: newId("approval") }, { delayMs: 60_000 });
    await queue.enqueue("runs.retention", {});
    const depth = await queue.depth();
    expect(depth).toMatchObject({ "approval.execute": 2, "runs.retention": 1, "usage.rollup": 0, "oauth.cleanup": 0 });
    expect(Object.keys(depth).sort()).toEqual(["approval.execute", "approval.expire", "approval.notify", "approval.sweep", "assertion-jti.retention", "email.send", "idempotency.retention", "oauth.cleanup", "runs.retention", "sign-in-attempts.retention", "usage.rollup"] satisfies JobName[]);
    await queue.close();
  });

  it("runs a scheduled job repeatedly", async () => {
    const queue = newQueue();
    let runs = 0;
    await queue.work({ "usage.rollup": async () => void runs++ });
    await queue.schedule("usage.rollup", 150);
    await waitFor(() => runs >= 3, 5_000);
    await queue.close();
  });

  it("close() waits for the running job and takes no new ones", async () => {
    const queue = newQueue();
    const log: string[] = [];
    await queue.work({
      "approval.execute": async ({ approvalId }) => {
        log.push(`start ${approvalId}`);
        await sleep(400);
        log.push(`end ${approvalId}`);
      },
    });
    await queue.enqueue("approval.execute", { approvalId: "apv_" + "0".repeat(26) });
    await waitFor(() => log.length === 1);
    await queue.enqueue("approval.execute", { approvalId: "apv_" + "1".repeat(26) }, { delayMs: 100 });
    await queue.close();
    expect(log).toEqual([`start apv_${"0".repeat(26)}`, `end apv_${"0".repeat(26)}`]);
    await sleep(300);
    expect(log).toHaveLength(2);
    await expect(queue.enqueue("approval.execute", { approvalId: newId("approval") })).rejects.toThrow(/closed/);
  });
});
