import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "./memory-rate-limiter.ts";

describe("MemoryRateLimiter", () => {
  it("sweeps keys two windows after their last allowed hit", async () => {
    const limiter = new MemoryRateLimiter({ sweepIntervalMs: 1_000 });
    const limit = { max: 5, windowMs: 1_000 };
    await limiter.hit("a", limit, 10_000);
    await limiter.hit("b", limit, 10_500);
    expect(limiter.size).toBe(2);
    // "a" expires at 12 000, "b" at 12 500; a hit on another key triggers the sweep.
    await limiter.hit("c", limit, 12_100);
    expect(limiter.size).toBe(2);
    await limiter.hit("c", limit, 13_200);
    expect(limiter.size).toBe(1);
  });

  it("keeps order when hits arrive with out-of-order times", async () => {
    const limiter = new MemoryRateLimiter();
    const limit = { max: 2, windowMs: 1_000 };
    await limiter.hit("k", limit, 10_500);
    await limiter.hit("k", limit, 10_000);
    expect(await limiter.hit("k", limit, 10_600)).toMatchObject({ allowed: false, retryAfterMs: 400 });
  });
});
