import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  readCredentialState,
  callTool,
  createApiKey,
  createOrganization,
  createOutboundClient,
  createProject,
  createTool,
  decideApproval,
  deleteKeysWithPrefix,
  getRun,
  type Principal,
  ProjectRuntimeCache,
  SecretBox,
  toolResultOfRun,
  type WorkerJobQueue,
} from "@tengine/core";
import { createJobQueue } from "@tengine/queue";
import { createTestDatabase } from "@tengine/db/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// An approved call survives a worker crash and is executed once (issue 6): the worker
// (apps/worker/src/main.ts, its own process, BullMQ on the machine's Redis) is SIGKILLed while
// the upstream holds the request; a new worker takes the abandoned claim over after its lease
// and re-sends with the same Idempotency-Key, which the upstream — a real API honouring the
// header — dedupes. One effective write; the run succeeded once.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `test:${randomBytes(6).toString("hex")}:`;
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TOOL_TIMEOUT_MS = 3_000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let masterKey: string;
let producer: WorkerJobQueue;
const children: ChildProcess[] = [];
const logs: string[] = [];

/** An upstream that performs each Idempotency-Key once and replays its answer after that. */
const received: Array<{ key: string | undefined; at: number }> = [];
const effectiveWrites = new Map<string, { id: string; amount: unknown }>();
let holdFirst = true;
let upstream: http.Server;
let upstreamUrl: string;

beforeAll(async () => {
  database = await createTestDatabase("approval_restart");
  masterKey = SecretBox.generateKey();
  producer = createJobQueue({ redisUrl: REDIS_URL, keyPrefix: PREFIX });
  upstream = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const key = req.headers["idempotency-key"] as string | undefined;
    received.push({ key, at: Date.now() });
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
    let write = key ? effectiveWrites.get(key) : undefined;
    if (!write) {
      write = { id: `refund_${effectiveWrites.size + 1}`, amount: body.amount };
      if (key) effectiveWrites.set(key, write);
    }
    // The first request is performed but its answer never leaves: the worker dies waiting.
    if (holdFirst) {
      holdFirst = false;
      return;
    }
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(write));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await producer?.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
  const admin = new Redis(REDIS_URL);
  await deleteKeysWithPrefix(admin, PREFIX);
  await admin.quit();
  await database?.drop();
});

function startWorkerProcess() {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.target.url,
      DATABASE_SCHEMA: database.target.schema,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      TENGINE_MASTER_KEY: masterKey,
      ALLOW_PRIVATE_UPSTREAMS: "true",
      WORKER_METRICS_PORT: "0",
      WORKER_METRICS_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => logs.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => logs.push(d.toString()));
  children.push(child);
  return child;
}

async function waitFor<T>(find: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker log:\n${logs.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("an approved run across a worker crash", () => {
  it("is executed once: the restarted worker re-sends with the same Idempotency-Key and the run succeeds", async () => {
    const { db, hot } = database;
    const secretBox = new SecretBox(masterKey);
    const org = await createOrganization(db, { name: "Restart" });
    const project = await createProject(db, { orgId: org.id, name: "Restart", allowHttpUpstreams: true });
    const key = await createApiKey(db, project.id, { name: "agent", scopes: [] });
    await createTool(db, secretBox, project.id, {
      name: "refund",
      description: "Refunds an order",
      inputSchema: { type: "object", properties: { amount: { type: "number" } }, required: ["amount"] },
      method: "POST",
      url: `${upstreamUrl}/refunds`,
      body: { amount: "{{input.amount}}" },
      requiresApproval: true,
      timeoutMs: TOOL_TIMEOUT_MS,
      maxAttempts: 1,
    });
    const config = await db.project.findUniqueOrThrow({ where: { id: project.id } });

    // The gateway's path: the call becomes a pending run with an Approval (no wait here).
    const principal: Principal = { projectId: project.id, projectSlug: project.slug, kind: "api_key", keyId: key.id, scopes: null };
    const outbound = createOutboundClient({ allowPrivate: true });
    const outcome = await callTool({ db, hot, runtime: new ProjectRuntimeCache(db, secretBox), outbound, approvalWaitMs: 0 }, { principal, credential: await readCredentialState(hot, principal), project: config, toolName: "refund", args: { amount: 25 } });
    await outbound.close();
    expect(outcome.kind).toBe("result");
    const runId = outcome.runId;
    expect(outcome.kind === "result" && outcome.result._meta?.["tengine/pendingApproval"]).toBe(true);
    const approval = await db.approval.findUniqueOrThrow({ where: { runId } });

    // Approved in the dashboard: the decision enqueues approval.execute on BullMQ.
    await decideApproval(db, { projectId: project.id, approvalId: approval.id, actor: { email: "approver@example.com" }, role: "admin", decision: "approve", queue: producer });

    const first = startWorkerProcess();
    await waitFor(() => received.length === 1, 30_000, "the first worker to send the approved call");
    // The upstream performed the write and holds the answer: the worker dies now.
    const exited = new Promise((r) => first.once("exit", r));
    first.kill("SIGKILL");
    await exited;
    const abandoned = await db.approval.findUniqueOrThrow({ where: { id: approval.id } });
    expect(abandoned.executionStartedAt).not.toBeNull();
    expect(abandoned.executedAt).toBeNull();
    expect((await getRun(db, project.id, runId))!.status).toBe("running");

    // A new worker: the claim is taken over once its lease (the tool's send budget + margin) ran out.
    startWorkerProcess();
    const run = await waitFor(async () => {
      const r = await getRun(db, project.id, runId);
      return r && r.status !== "running" ? r : undefined;
    }, 75_000, "the restarted worker to settle the run");

    expect(run).toMatchObject({ status: "succeeded", httpStatus: 201, attempts: 1 });
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.key)).toEqual([runId, runId]);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(TOOL_TIMEOUT_MS + 30_000 - 1_000);
    expect([...effectiveWrites.values()]).toEqual([{ id: "refund_1", amount: 25 }]);
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).executedAt).not.toBeNull();

    // The caller's tengine_run_status sees the one write's answer.
    const result = await toolResultOfRun(db, run);
    expect(result.structuredContent).toEqual({ id: "refund_1", amount: 25 });

    // Nothing runs it again: no third request after more sweeps.
    await new Promise((r) => setTimeout(r, 4_500));
    expect(received).toHaveLength(2);
  }, 120_000);
});
