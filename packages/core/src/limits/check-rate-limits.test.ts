import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createInfra, type Infra } from "../infra/create-infra.ts";
import { MemoryRateLimiter } from "../infra/memory-rate-limiter.ts";
import { checkRateLimits, rateLimitMessage, readRateLimits } from "./check-rate-limits.ts";
import { parseRateLimitRule } from "./rate-limits.ts";

const infras: Infra[] = [];
afterAll(async () => {
  await Promise.all(infras.map((i) => i.close()));
});

// The stored value goes through readRateLimits, as ProjectRuntimeCache does once per version.
const subject = (rateLimits: unknown, principalKey = "api_key:k1", toolName = "get_item") => ({ projectId: "prj_1", limits: readRateLimits(rateLimits), principalKey, toolName });

describe("checkRateLimits with the in-process limiter", () => {
  it("allows everything when the project has no limits", async () => {
    const limiter = new MemoryRateLimiter();
    for (let i = 0; i < 50; i++) expect(await checkRateLimits(limiter, subject(null))).toEqual({ ok: true });
  });

  it("trips the principal limit per principal, with the retry time", async () => {
    const limiter = new MemoryRateLimiter();
    const limits = { principal: { max: 2, windowSec: 60 } };
    expect(await checkRateLimits(limiter, subject(limits))).toEqual({ ok: true });
    expect(await checkRateLimits(limiter, subject(limits))).toEqual({ ok: true });
    const third = await checkRateLimits(limiter, subject(limits));
    expect(third).toMatchObject({ ok: false, scope: "principal" });
    expect((third as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(59_000);
    expect(rateLimitMessage(third as never)).toBe("Rate limit exceeded for this principal: retry in 60 s");
    // another principal has its own budget
    expect(await checkRateLimits(limiter, subject(limits, "api_key:k2"))).toEqual({ ok: true });
  });

  it("checks project, then principal, then tool", async () => {
    const limiter = new MemoryRateLimiter();
    const limits = { project: { max: 3, windowSec: 10 }, tool: { max: 1, windowSec: 10 } };
    expect(await checkRateLimits(limiter, subject(limits, "a", "t1"))).toEqual({ ok: true });
    expect(await checkRateLimits(limiter, subject(limits, "a", "t1"))).toMatchObject({ ok: false, scope: "tool" });
    expect(await checkRateLimits(limiter, subject(limits, "b", "t2"))).toEqual({ ok: true });
    expect(await checkRateLimits(limiter, subject(limits, "c", "t3"))).toMatchObject({ ok: false, scope: "project" });
  });

  it("treats a stored value that does not match the schema as unlimited", () => {
    expect(readRateLimits({ project: { max: 0, windowSec: 60 } })).toBeNull();
    expect(readRateLimits({ principal: { max: 5, windowSec: 60 } })).toEqual({ principal: { max: 5, windowSec: 60 }, failOpen: true });
  });

  it("parses MAX/SECONDS", () => {
    expect(parseRateLimitRule("100/60")).toEqual({ max: 100, windowSec: 60 });
    expect(() => parseRateLimitRule("100")).toThrow(/MAX\/SECONDS/);
    expect(() => parseRateLimitRule("0/60")).toThrow(/at least 1/);
    expect(() => parseRateLimitRule("5/100000")).toThrow(/86400/);
  });
});

describe("checkRateLimits while Redis is unreachable", () => {
  const down = () => {
    const infra = createInfra({ redisUrl: "redis://127.0.0.1:1", keyPrefix: `test:${randomBytes(4).toString("hex")}:`, redis: { connectTimeoutMs: 200 } });
    infras.push(infra);
    return infra.rateLimiter;
  };

  it("allows the call as degraded when the project fails open (the default)", async () => {
    const started = performance.now();
    const check = await checkRateLimits(down(), subject({ principal: { max: 1, windowSec: 60 } }));
    expect(check).toMatchObject({ ok: "degraded" });
    expect((check as { reason: string }).reason).toMatch(/rate-limiter/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuses with a clear reason when the project fails closed", async () => {
    const check = await checkRateLimits(down(), subject({ principal: { max: 1, windowSec: 60 }, failOpen: false }));
    expect(check).toMatchObject({ ok: false, scope: "unavailable" });
    expect(rateLimitMessage(check as never)).toMatch(/temporarily unavailable.*fail closed.*nothing was sent/);
  });

  it("does not touch Redis for a project without limits", async () => {
    expect(await checkRateLimits(down(), subject(null))).toEqual({ ok: true });
  });
});

describe("checkRateLimits with the shared Redis limiter", () => {
  it("counts across two limiters (replicas) with the same prefix", async () => {
    const keyPrefix = `test:${randomBytes(6).toString("hex")}:`;
    const a = createInfra({ redisUrl: "redis://127.0.0.1:6379", keyPrefix });
    const b = createInfra({ redisUrl: "redis://127.0.0.1:6379", keyPrefix });
    infras.push(a, b);
    const limits = { principal: { max: 3, windowSec: 60 } };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await checkRateLimits((i % 2 ? b : a).rateLimiter, subject(limits)));
    expect(results.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(results[3]).toMatchObject({ ok: false, scope: "principal" });
  });
});
