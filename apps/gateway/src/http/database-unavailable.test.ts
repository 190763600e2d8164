import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./database-unavailable.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["connection refused", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["server shutting down (57P01)", withCode("terminating connection due to administrator command", "57P01")],
    ["server starting up (57P03)", withCode("the database system is starting up", "57P03")],
    ["connection exception class 08", withCode("connection failure", "08006")],
    ["pg's cut connection", new Error("Connection terminated unexpectedly")],
    ["Prisma can't reach the server", withCode("Can't reach database server at 127.0.0.1:5432", "P1001")],
    ["wrapped in a cause", new Error("Internal error while calling tool x (run run_1); it is safe to retry", { cause: withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED") })],
    ["an AggregateError of refused addresses", Object.assign(new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")], ""), {})],
  ])("recognises %s", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode('duplicate key value violates unique constraint "Run_pkey"', "23505")],
    ["a syntax error", withCode("syntax error at or near", "42601")],
    ["a plain bug", new TypeError("Cannot read properties of undefined")],
    ["a non-error", "boom"],
    ["null", null],
  ])("does not take %s for an outage", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("survives a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
