import { listRuns, setRateLimits } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, echoSchema, metricValue, resultText, sleep, startPrivatePostgres, startPrivateRedis, startUpstream, startWorld } from "./harness.ts";

// Redis dies (SIGKILL) in the middle of a stream of tool calls and comes back empty. The
// gateway keeps answering every call: a fail-open project is served without limits (a log
// line and a metric say so), a fail-closed project gets a clear tool error and a rate-limited
// run; once Redis is back both are limited again. Private Redis and Postgres: killing them
// does not disturb other tests.

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let world: Awaited<ReturnType<typeof startWorld>>;
let base: string;
let metricsBase: string;
let open: { project: { id: string; slug: string }; key: string };
let closed: { project: { id: string; slug: string }; key: string };

beforeAll(async () => {
  [redis, pg, upstream] = await Promise.all([startPrivateRedis(), startPrivatePostgres(), startUpstream()]);
  world = await startWorld(pg.url, { redisUrl: redis.url, redisKeyPrefix: "faults:" });
  ({ base, metricsBase } = await world.startGateway());
  open = await world.createProjectWithKey("Fails open");
  closed = await world.createProjectWithKey("Fails closed");
  for (const p of [open, closed]) {
    await world.addTool(p.project.id, { name: "ping", description: "Pings", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/ping`, body: { n: "{{input.n}}" } });
  }
  await setRateLimits(world.db, open.project.id, { tool: { max: 3, windowSec: 60 }, failOpen: true });
  await setRateLimits(world.db, closed.project.id, { project: { max: 1000, windowSec: 60 }, failOpen: false });
}, 120_000);

afterAll(async () => {
  await world?.close();
  await Promise.all([redis?.close(), pg?.close(), upstream?.close()]);
});

let n = 0;
const ping = (p: typeof open) => callTool(base, p.project.slug, p.key, "ping", { n: ++n });
const metrics = async () => (await fetch(`${metricsBase}/metrics`)).text();

describe("Redis killed during a stream of calls", () => {
  it("keeps answering; fails open or closed per project; limits hold again after recovery", { timeout: 90_000 }, async () => {
    const answers: Array<{ phase: string; project: string; status: number; isError: boolean; text: string; runId?: string }> = [];
    const record = async (phase: string, p: typeof open) => {
      const a = await ping(p);
      answers.push({ phase, project: p.project.slug, status: a.status, isError: a.body?.result?.isError === true, text: resultText(a), runId: a.body?.result?._meta?.["tengine/runId"] });
      return answers.at(-1)!;
    };

    // Before: the open project's tool limit (3 a minute) is enforced through Redis.
    for (let i = 0; i < 3; i++) expect((await record("before", open)).isError).toBe(false);
    const fourth = await record("before", open);
    expect(fourth.isError).toBe(true);
    expect(fourth.text).toMatch(/^Rate limit exceeded for this tool: retry in \d+ s$/);
    expect((await record("before", closed)).isError).toBe(false);

    // Redis dies mid-stream: calls go on concurrently while it is killed.
    const during = Promise.all(Array.from({ length: 6 }, async (_, i) => { await sleep(i * 30); return record("kill", i % 2 ? closed : open); }));
    await redis.kill();
    await during;

    // Down: fail open serves every call (no limit: it was exhausted before); fail closed refuses.
    for (let i = 0; i < 4; i++) {
      const a = await record("down", open);
      expect(a).toMatchObject({ status: 200, isError: false });
    }
    for (let i = 0; i < 3; i++) {
      const a = await record("down", closed);
      expect(a).toMatchObject({ status: 200, isError: true });
      expect(a.text).toBe("Rate limiting is temporarily unavailable and this project refuses calls while it is (fail closed); nothing was sent, retry shortly");
    }
    const down = await metrics();
    expect(metricValue(down, "tengine_rate_limit_unavailable_total", { project: open.project.slug, outcome: "allowed" })).toBeGreaterThanOrEqual(4);
    expect(metricValue(down, "tengine_rate_limit_unavailable_total", { project: closed.project.slug, outcome: "refused" })).toBeGreaterThanOrEqual(3);
    expect(metricValue(down, "tengine_rate_limited_total", { project: closed.project.slug, scope: "unavailable" })).toBeGreaterThanOrEqual(3);
    expect(world.logLines.some((l) => l.includes("rate limiter unavailable: allowing calls without rate limits (fail open)"))).toBe(true);
    expect(world.logLines.some((l) => l.includes("rate limiter unavailable: call refused (project fails closed)"))).toBe(true);

    // Redis returns (empty: no persistence). Within a few seconds both projects are limited again.
    await redis.start();
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      const a = await record("recovering", closed);
      recovered = !a.isError;
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    const after: Awaited<ReturnType<typeof record>>[] = [];
    for (let i = 0; i < 4; i++) after.push(await record("after", open));
    expect(after.map((a) => a.isError)).toEqual([false, false, false, true]);
    expect(after[3]!.text).toMatch(/^Rate limit exceeded for this tool: retry in \d+ s$/);

    // Every call was answered with a JSON-RPC result and has exactly one run; every call
    // allowed reached the upstream exactly once, and none refused did.
    expect(answers.every((a) => a.status === 200 && a.runId)).toBe(true);
    for (const p of [open, closed]) {
      const mine = answers.filter((a) => a.project === p.project.slug);
      const { runs } = await listRuns(world.db, p.project.id, { limit: 200 });
      expect(runs.map((r) => r.id).sort()).toEqual(mine.map((a) => a.runId).sort());
      for (const a of mine) expect(runs.find((r) => r.id === a.runId)!.status).toBe(a.isError ? "rate_limited" : "succeeded");
    }
    const allowed = answers.filter((a) => !a.isError).length;
    expect(upstream.hits.filter((h) => h.url === "/ping")).toHaveLength(allowed);
  });
});
