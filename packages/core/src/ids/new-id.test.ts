import { describe, expect, it } from "vitest";
import { idAtTime, newId, randomToken } from "./new-id.ts";

describe("newId", () => {
  it("prefix, 10 time characters and 16 random ones, in Crockford base32", () => {
    expect(newId("run")).toMatch(/^run_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it("never repeats, across many refills of the random pool", () => {
    const now = Date.now();
    const ids = Array.from({ length: 5_000 }, () => newId("run", now)); // ~12 refills of 4 KiB
    expect(new Set(ids).size).toBe(ids.length);
    // Same instant: the random parts differ, not only the time.
    expect(new Set(ids.map((id) => id.slice(15))).size).toBe(ids.length);
  });

  it("sorts by creation time", () => {
    const a = newId("run", 1_700_000_000_000);
    const b = newId("run", 1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(idAtTime("run", 1_700_000_000_001) <= b).toBe(true);
    expect(idAtTime("run", 1_700_000_000_001) > a).toBe(true);
  });

  it("draws signature nonces from the same pool: base64url of 16 bytes, never repeated across refills", () => {
    const nonces = Array.from({ length: 1_000 }, () => randomToken(16)); // ~4 refills, interleaved with ids
    for (let i = 0; i < 300; i++) newId("run");
    nonces.push(...Array.from({ length: 1_000 }, () => randomToken(16)));
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
