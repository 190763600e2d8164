import { describe, expect, it } from "vitest";
import { backoffDelayMs, JOB_CATALOG, JOB_NAMES, resolveJobDefinition } from "./job-catalog.ts";

describe("job catalog", () => {
  it("backs off exponentially, lowered by at most the jitter share", () => {
    const backoff = { delayMs: 1_000, jitter: 0.5 };
    expect([1, 2, 3].map((n) => backoffDelayMs({ ...backoff, jitter: 0 }, n))).toEqual([1_000, 2_000, 4_000]);
    expect(backoffDelayMs(backoff, 3, () => 0)).toBe(2_000); // the lowest: 4 s × (1 - 0.5)
    expect(backoffDelayMs(backoff, 3, () => 0.999_999)).toBe(3_999);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(backoff, 2);
      expect(d).toBeGreaterThanOrEqual(1_000);
      expect(d).toBeLessThan(2_000);
    }
  });

  it("carries ids only: every payload schema is strict and the maintenance jobs take none", () => {
    for (const name of JOB_NAMES) {
      const schema = JOB_CATALOG[name].payload;
      expect(schema.safeParse({ arguments: { token: "x" } }).success, name).toBe(false);
    }
    for (const name of JOB_NAMES.filter((n) => n !== "approval.execute")) {
      expect(JOB_CATALOG[name].payload.safeParse({}).success, name).toBe(true);
      expect(JOB_CATALOG[name].repeatEveryMs, name).toBeGreaterThan(0);
    }
  });

  it("applies overrides per job name only", () => {
    const overrides = { "approval.execute": { attempts: 9 } };
    expect(resolveJobDefinition("approval.execute", overrides)).toMatchObject({ attempts: 9, timeoutMs: JOB_CATALOG["approval.execute"].timeoutMs });
    expect(resolveJobDefinition("usage.rollup", overrides).attempts).toBe(JOB_CATALOG["usage.rollup"].attempts);
  });
});
