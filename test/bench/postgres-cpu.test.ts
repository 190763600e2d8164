// The benchmark's "pg CPU/call" (bench/lib/children.ts) against the machine's real Postgres:
// it must see the server's processes, grow when a query burns CPU, and never count a process
// that exited as negative time.
import path from "node:path";
import { createRequire } from "node:module";
import { TEST_DATABASE_URL } from "@tengine/db/testing";
import { describe, expect, it } from "vitest";
import { cpuBetween, cpuSnapshot } from "../../bench/lib/children.ts";

const pg = createRequire(path.resolve(import.meta.dirname, "../../packages/db/package.json"))("pg") as typeof import("pg");

describe("bench Postgres CPU", () => {
  it("counts the CPU a query costs the server", async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const before = cpuSnapshot("postgres");
      expect(before?.size).toBeGreaterThan(0);
      // A second or so of pure CPU in the backend.
      await client.query("SELECT count(*) FROM generate_series(1, 3000000) g WHERE g % 7 = 0");
      const used = cpuBetween(before!, cpuSnapshot("postgres")!);
      expect(used.user + used.system).toBeGreaterThan(50);
    } finally {
      await client.end();
    }
  });

  it("counts a process that started meanwhile whole, and one that exited not at all", () => {
    const before = new Map([[10, { user: 100, system: 10 }], [11, { user: 500, system: 50 }]]);
    const after = new Map([[10, { user: 130, system: 15 }], [12, { user: 20, system: 2 }]]);
    expect(cpuBetween(before, after)).toEqual({ user: 50, system: 7 });
  });
});
