import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, echoSchema, metricValue, resultText, startPrivatePostgres, startUpstream, startWorld } from "./harness.ts";

// The upstream is slow (past the tool's timeout), then down (503 on every request), then well
// again. Each call is answered with a tool error that says what happened, and its run records
// the attempts, the HTTP status and the error; the same Idempotency-Key goes with every attempt.

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
  p = await world.createProjectWithKey("Flaky upstream");
  await world.addTool(p.project.id, { name: "create_order", description: "Creates an order", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/orders`, body: { n: "{{input.n}}" }, timeoutMs: 300, maxAttempts: 3 });
}, 120_000);

afterAll(async () => {
  await world?.close();
  await Promise.all([pg?.close(), upstream?.close()]);
});

const hitsOf = (n: number) => upstream.hits.filter((h) => h.url === "/orders" && JSON.parse(h.body).n === n);
const runOf = (runId: string) => world.db.run.findUniqueOrThrow({ where: { id: runId } });

describe("upstream slow or down", () => {
  it("records a timeout with its attempts in the run", { timeout: 30_000 }, async () => {
    upstream.state.mode = "slow";
    upstream.state.slowMs = 1_000;
    const a = await callTool(base, p.project.slug, p.key, "create_order", { n: 1 }, { "idempotency-key": "slow-1" });
    expect(a.status).toBe(200);
    expect(a.body.result.isError).toBe(true);
    expect(resultText(a)).toMatch(/time(d)? ?out/i);
    const run = await runOf(a.body.result._meta["tengine/runId"]);
    expect(run).toMatchObject({ status: "failed", attempts: 3, idempotencyKey: "slow-1" });
    expect(run.error).toMatch(/time(d)? ?out/i);
    // Every attempt carried the same upstream Idempotency-Key.
    const attempts = hitsOf(1);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((h) => h.key)).size).toBe(1);
  });

  it("records retries of a 503 and the final status", { timeout: 30_000 }, async () => {
    upstream.state.mode = "down503";
    const a = await callTool(base, p.project.slug, p.key, "create_order", { n: 2 }, { "idempotency-key": "down-2" });
    expect(a.status).toBe(200);
    expect(a.body.result.isError).toBe(true);
    expect(resultText(a)).toContain("503");
    const run = await runOf(a.body.result._meta["tengine/runId"]);
    expect(run).toMatchObject({ status: "failed", attempts: 3, httpStatus: 503 });
    expect(run.error).toBe("upstream answered HTTP 503");
    expect(hitsOf(2)).toHaveLength(3);
    expect(new Set(hitsOf(2).map((h) => h.key)).size).toBe(1);
  });

  it("succeeds again once the upstream recovers; the retried timeout key executes once", { timeout: 30_000 }, async () => {
    upstream.state.mode = "ok";
    const fresh = await callTool(base, p.project.slug, p.key, "create_order", { n: 3 }, { "idempotency-key": "ok-3" });
    expect(fresh.body.result.isError).toBeFalsy();
    expect((await runOf(fresh.body.result._meta["tengine/runId"])).attempts).toBe(1);
    // The timed-out call's outcome was unknown: the client retries it with the same key, and
    // the same upstream key goes out again (the upstream deduplicates on it).
    const retry = await callTool(base, p.project.slug, p.key, "create_order", { n: 1 }, { "idempotency-key": "slow-1" });
    expect(retry.body.result.isError).toBeFalsy();
    expect(hitsOf(1)).toHaveLength(4);
    expect(new Set(hitsOf(1).map((h) => h.key)).size).toBe(1);
    expect(upstream.executed.has(hitsOf(1)[0]!.key!)).toBe(true);
    const metrics = await (await fetch(`${metricsBase}/metrics`)).text();
    expect(metricValue(metrics, "tengine_tool_calls_total", { project: p.project.slug, tool: "create_order", status: "error" })).toBe(2);
    expect(metricValue(metrics, "tengine_tool_calls_total", { project: p.project.slug, tool: "create_order", status: "ok" })).toBe(2);
  });
});
