import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallAnswer, callTool, echoSchema, metricValue, resultText, sleep, startPrivatePostgres, startUpstream, startWorld } from "./harness.ts";

// Postgres is stopped with `pg_ctl stop -m immediate` (every connection cut, no clean
// shutdown) in the middle of a stream of write calls, then started again. Every call gets an
// answer — a result, or a clear 503 naming the database, never a stack trace — /readyz says
// 503 while it is down, and after recovery the same calls retried with the same
// Idempotency-Key never execute a write twice; every executed call has exactly one run.

let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let world: Awaited<ReturnType<typeof startWorld>>;
let base: string;
let metricsBase: string;
let p: Awaited<ReturnType<Awaited<ReturnType<typeof startWorld>>["createProjectWithKey"]>>;

beforeAll(async () => {
  [pg, upstream] = await Promise.all([startPrivatePostgres(), startUpstream()]);
  world = await startWorld(pg.url);
  ({ base, metricsBase } = await world.startGateway());
  p = await world.createProjectWithKey("Writes");
  await world.addTool(p.project.id, { name: "create_order", description: "Creates an order", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/orders`, body: { n: "{{input.n}}" } });
}, 120_000);

afterAll(async () => {
  await world?.close();
  await Promise.all([pg?.close(), upstream?.close()]);
});

const order = (i: number) => callTool(base, p.project.slug, p.key, "create_order", { n: i }, { "idempotency-key": `order-${i}` });
const ready = async () => (await fetch(`${base}/readyz`)).status;

function classify(a: CallAnswer) {
  if (a.status === 200 && a.body?.result && !a.body.result.isError) return "ok";
  if (a.status === 503 && a.body?.error?.message) return "unavailable";
  return "other";
}

describe("Postgres stopped (immediate) and restarted during a stream of writes", () => {
  it("answers every call, says 503 while down, and executes no write twice after recovery", { timeout: 120_000 }, async () => {
    expect(await ready()).toBe(200);
    const first: Array<{ i: number; answer: CallAnswer }> = [];
    // A steady stream: 4 concurrent callers, 60 calls; Postgres stops after the first few.
    let next = 0;
    const stream = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < 60) {
          const i = next++;
          first.push({ i, answer: await order(i) });
          await sleep(15);
        }
      }),
    );
    while (first.length < 8) await sleep(5);
    // Stop while some calls are at the upstream (slow for a moment): their writes have
    // happened, and their run and idempotency result must still be stored.
    upstream.state.slowMs = 400;
    upstream.state.mode = "slow";
    await sleep(150);
    await pg.stopImmediate();
    upstream.state.mode = "ok";
    // Calls arriving while it is down: their credential cannot be checked, nothing is sent.
    const downCalls = await Promise.all([60, 61, 62, 63, 64].map(async (i) => ({ i, answer: await order(i) })));
    first.push(...downCalls);
    for (const { answer } of downCalls) expect(answer.status, answer.text).toBe(503);
    expect(downCalls[0]!.answer.body).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32010, message: expect.stringMatching(/^Service unavailable: the database cannot be reached right now/) } });
    const downStatuses: number[] = [];
    for (let t = 0; t < 5; t++) {
      downStatuses.push(await ready());
      await sleep(100);
    }
    const readyBody = await (await fetch(`${base}/readyz`)).json();
    expect(downStatuses.every((s) => s === 503)).toBe(true);
    expect(readyBody).toEqual({ status: "unavailable", reason: "database unreachable" });

    // Postgres comes back while the stream is still running; the gateway process is the same
    // one (it did not crash). Calls whose upstream write had happened wait for it to record.
    await pg.start();
    await stream;

    // Every call was answered: a result, or a 503 whose JSON-RPC error names the database.
    expect(first).toHaveLength(65);
    for (const { answer } of first) {
      expect(["ok", "unavailable"]).toContain(classify(answer));
      expect(answer.text).not.toMatch(/\bat .+\.ts:\d+|node_modules|stack/i);
      if (classify(answer) === "unavailable") {
        expect(answer.body.error.message).toMatch(/^Service unavailable: the database cannot be reached right now/);
        expect(answer.body.jsonrpc).toBe("2.0");
      }
    }
    const unavailable = first.filter((f) => classify(f.answer) === "unavailable");
    expect(unavailable.length).toBeGreaterThan(0);
    const metricsDown = await (await fetch(`${metricsBase}/metrics`)).text();
    expect(metricValue(metricsDown, "tengine_database_unavailable_total")).toBeGreaterThanOrEqual(unavailable.length);
    expect(world.logLines.some((l) => l.includes("database unreachable: MCP request answered 503"))).toBe(true);

    for (let t = 0; t < 100 && (await ready()) !== 200; t++) await sleep(100);
    expect(await ready()).toBe(200);

    // The calls caught at the upstream waited for Postgres to store what they did.
    expect(world.logLines.some((l) => l.includes("database unreachable after an upstream call: retrying the write"))).toBe(true);
    expect(metricValue(await (await fetch(`${metricsBase}/metrics`)).text(), "tengine_database_unavailable_total", { phase: "run_write" })).toBeGreaterThan(0);

    // The client retries every call with the same key, twice: results for all, no write
    // executed twice, the upstream never received a key a second time.
    const retried: CallAnswer[] = [];
    for (let round = 0; round < 2; round++) for (let i = 0; i < 65; i++) retried.push(await order(i));
    for (const a of retried) expect(classify(a), a.text).toBe("ok");
    // Each order reached the upstream exactly once: the outage made no write go out twice.
    for (let i = 0; i < 65; i++) expect(upstream.hits.filter((h) => JSON.parse(h.body).n === i), `order-${i}`).toHaveLength(1);
    expect(upstream.executed.size).toBe(65);
    // A call that succeeded before the outage is replayed, not executed again.
    const before = first.find((f) => classify(f.answer) === "ok")!;
    const replay = retried[before.i]!;
    expect(replay.body.result._meta["tengine/deduplicated"]).toBe(true);
    expect(resultText(replay)).toBe(resultText(before.answer));

    // Every executed write has exactly one run that executed it (status succeeded), and every
    // answered result names a run that exists.
    const runs = await world.db.run.findMany({ where: { projectId: p.project.id }, select: { id: true, status: true, idempotencyKey: true } });
    for (let i = 0; i < 65; i++) {
      const executedRuns = runs.filter((r) => r.idempotencyKey === `order-${i}` && r.status === "succeeded");
      expect(executedRuns, `order-${i}`).toHaveLength(1);
    }
    const ids = new Set(runs.map((r) => r.id));
    for (const a of [...first.map((f) => f.answer), ...retried].filter((x) => classify(x) === "ok")) expect(ids.has(a.body.result._meta["tengine/runId"])).toBe(true);
  });
});
