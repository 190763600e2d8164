// The benchmark's Postgres counting proxy (bench/lib/pg-counter.ts) against the machine's real
// Postgres: the round trips and statements it reports are the README's "per call" figures, so
// they must match what a pg client actually sent.
import { createRequire } from "node:module";
import path from "node:path";
import { TEST_DATABASE_URL } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgDelta, startPgCounter } from "../../bench/lib/pg-counter.ts";

// The pg driver the gateway uses (a dependency of @tengine/db).
const pg = createRequire(path.resolve(import.meta.dirname, "../../packages/db/package.json"))("pg") as typeof import("pg");

describe("bench Postgres counting proxy", () => {
  let counter: Awaited<ReturnType<typeof startPgCounter>>;
  let client: import("pg").Client;

  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL);
    counter = await startPgCounter({ host: target.hostname, port: Number(target.port || 5432) });
    target.hostname = "127.0.0.1";
    target.port = String(counter.port);
    client = new pg.Client({ connectionString: target.toString() });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await counter?.close();
  });

  it("counts a simple query as one round trip and one statement, and passes the answer through", async () => {
    const before = counter.snapshot();
    const { rows } = await client.query("SELECT 41 + 1 AS answer");
    const d = pgDelta(before, counter.snapshot());
    expect(rows).toEqual([{ answer: 42 }]);
    expect(d.roundTrips).toBe(1);
    expect(d.statements).toBe(1);
    expect([...d.byStatement]).toEqual([["SELECT 41 + 1 AS answer", 1]]);
  });

  it("names every execution of a named prepared statement by its SQL, though it is parsed once", async () => {
    const before = counter.snapshot();
    for (let i = 0; i < 3; i++) {
      const { rows } = await client.query({ name: "bench_counter_test", text: "SELECT $1::int * 2 AS doubled", values: [i] });
      expect(rows[0].doubled).toBe(i * 2);
    }
    const d = pgDelta(before, counter.snapshot());
    expect(d.roundTrips).toBe(3);
    expect(d.statements).toBe(3);
    expect(d.byStatement.get("SELECT $1::int * 2 AS doubled")).toBe(3);
  });

  it("counts a transaction's BEGIN and COMMIT as round trips of their own", async () => {
    const before = counter.snapshot();
    await client.query("BEGIN");
    await client.query("SELECT $1::text AS v", ["x"]);
    await client.query("COMMIT");
    const d = pgDelta(before, counter.snapshot());
    expect(d.roundTrips).toBe(3);
    expect(d.statements).toBe(3);
    expect(d.byStatement.get("BEGIN")).toBe(1);
    expect(d.byStatement.get("SELECT $1::text AS v")).toBe(1);
    expect(d.byStatement.get("COMMIT")).toBe(1);
  });

  it("reads messages split across TCP chunks (a large statement)", async () => {
    const big = `SELECT length($1::text) AS n /* ${"x".repeat(200_000)} */`;
    const before = counter.snapshot();
    const { rows } = await client.query(big, ["abc"]);
    const d = pgDelta(before, counter.snapshot());
    expect(rows[0].n).toBe(3);
    expect(d.roundTrips).toBe(1);
    expect(d.statements).toBe(1);
    const [shape] = [...d.byStatement.keys()];
    expect(shape!.startsWith("SELECT length($1::text) AS n")).toBe(true);
    expect(shape!.length).toBeLessThanOrEqual(140);
  });
});
