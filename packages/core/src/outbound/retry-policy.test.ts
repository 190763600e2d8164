import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry-policy.ts";

describe("backoffDelay", () => {
  it("is full jitter under an exponential ceiling capped at 2 s", () => {
    const max = (attempt: number) => backoffDelay(attempt, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 10].map(max)).toEqual([99, 199, 399, 799, 1599, 1999, 1999]);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(2, () => 0.5)).toBe(100);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delay-seconds and HTTP dates, capped at 10 s", () => {
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("120", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 01:00:00 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
  });
  it("ignores absent or malformed values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
  });
});

describe("isRetryableStatus", () => {
  it("retries 429, 502, 503 and 504 only", () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 301, 400, 401, 404, 409, 500, 501].some(isRetryableStatus)).toBe(false);
  });
});
