import { describe, expect, it } from "vitest";
import { MemoryNonceStore } from "./nonce-store.ts";

describe("MemoryNonceStore", () => {
  it("accepts a nonce once per keyid until it expires", () => {
    let now = 1_000;
    const store = new MemoryNonceStore({ now: () => now });
    expect(store.checkAndStore("sig_a", "n1", 5_000)).toBe(true);
    expect(store.checkAndStore("sig_a", "n1", 5_000)).toBe(false);
    expect(store.checkAndStore("sig_b", "n1", 5_000)).toBe(true);
    now = 5_000;
    expect(store.checkAndStore("sig_a", "n1", 9_000)).toBe(true);
    expect(store.checkAndStore("sig_a", "n1", 9_000)).toBe(false);
  });

  it("does not confuse keyid and nonce boundaries", () => {
    const store = new MemoryNonceStore({ now: () => 0 });
    expect(store.checkAndStore("ab", "c", 10)).toBe(true);
    expect(store.checkAndStore("a", "bc", 10)).toBe(true);
  });

  it("purges expired entries on the sweep interval", () => {
    let now = 0;
    const store = new MemoryNonceStore({ now: () => now, sweepIntervalMs: 100 });
    for (let i = 0; i < 10; i++) store.checkAndStore("k", `n${i}`, 50);
    store.checkAndStore("k", "long", 1_000);
    expect(store.size).toBe(11);
    now = 100;
    store.checkAndStore("k", "late", 1_000);
    expect(store.size).toBe(2);
  });
});
