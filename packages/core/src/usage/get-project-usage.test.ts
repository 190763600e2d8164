import { createTestDatabase } from "@tengine/db/testing";
import type { RunStatus } from "@tengine/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { getProjectUsage } from "./get-project-usage.ts";
import { hasProjectRuns } from "./has-project-runs.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;
let emptyProjectId: string;

// A fixed clock: the 24 h window's buckets are 10 minutes wide, the last one starts at 12:30,
// so the first starts 143 buckets earlier, at 12:40 the day before.
const now = new Date("2025-03-10T12:34:56.789Z");

type Seed = { at: string; tool?: string; status?: RunStatus; gatewayMs?: number | null; upstreamMs?: number | null; project?: string };

async function seed(runs: Seed[]) {
  await database.db.run.createMany({
    data: runs.map((r) => ({
      id: newId("run"),
      projectId: r.project ?? projectId,
      toolName: r.tool ?? "list_contacts",
      status: r.status ?? "succeeded",
      principalKind: "api_key" as const,
      gatewayMs: r.gatewayMs ?? null,
      upstreamMs: r.upstreamMs ?? null,
      createdAt: new Date(r.at),
    })),
  });
}

beforeAll(async () => {
  database = await createTestDatabase("usage");
  const org = await createOrganization(database.db, { name: "Usage" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Usage" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
  emptyProjectId = (await createProject(database.db, { orgId: org.id, name: "Empty" })).id;
  const runs: Seed[] = [
    // the current bucket (12:30): four calls, two of them errors
    { at: "2025-03-10T12:31:00Z", status: "succeeded", gatewayMs: 10, upstreamMs: 100 },
    { at: "2025-03-10T12:32:00Z", status: "failed", gatewayMs: 20, upstreamMs: 200 },
    { at: "2025-03-10T12:33:00Z", status: "denied", gatewayMs: 30, upstreamMs: null },
    { at: "2025-03-10T12:34:00Z", status: "succeeded", gatewayMs: 40, upstreamMs: 300 },
    // 10:00 bucket: a rate-limited call of another tool and a deduplicated one (not an error)
    { at: "2025-03-10T10:05:00Z", tool: "create_contact", status: "rate_limited", gatewayMs: 5 },
    { at: "2025-03-10T10:09:59.999Z", tool: "create_contact", status: "deduplicated", gatewayMs: 7 },
    // exactly the start of the first bucket: counted
    { at: "2025-03-09T12:40:00Z", tool: "get_contact", gatewayMs: 50, upstreamMs: 500 },
    // before the 24 h window, inside the 7 d one
    { at: "2025-03-09T12:39:59.999Z", tool: "get_contact", status: "failed", gatewayMs: 1, upstreamMs: 1 },
    { at: "2025-03-04T00:00:00Z", tool: "get_contact", gatewayMs: 1, upstreamMs: 1 },
    // outside both windows: older than 7 days, and after "now"
    { at: "2025-03-01T00:00:00Z", gatewayMs: 1 },
    { at: "2025-03-10T12:40:00Z", gatewayMs: 1 },
    // another project's calls in the same minutes are never counted
    { at: "2025-03-10T12:31:00Z", project: "other", gatewayMs: 999, upstreamMs: 999 },
    { at: "2025-03-10T12:32:00Z", project: "other", status: "failed", gatewayMs: 999 },
  ];
  await seed(runs.map((r) => (r.project === "other" ? { ...r, project: otherProjectId } : r)));
});
afterAll(() => database?.drop());

describe("getProjectUsage", () => {
  it("buckets the last 24 hours in ten-minute steps with a continuous time axis", async () => {
    const usage = await getProjectUsage(database.db, projectId, { range: "24h", now });
    expect(usage.buckets).toHaveLength(144);
    expect(usage.stepMs).toBe(600_000);
    expect(usage.since).toBe("2025-03-09T12:40:00.000Z");
    expect(usage.buckets[0]!.t).toBe("2025-03-09T12:40:00.000Z");
    expect(usage.buckets.at(-1)!.t).toBe("2025-03-10T12:30:00.000Z");
    // consecutive, ten minutes apart
    for (let i = 1; i < usage.buckets.length; i++) {
      expect(Date.parse(usage.buckets[i]!.t) - Date.parse(usage.buckets[i - 1]!.t)).toBe(600_000);
    }

    const last = usage.buckets.at(-1)!;
    expect(last).toEqual({
      t: "2025-03-10T12:30:00.000Z",
      calls: 4,
      errors: 2,
      // the current bucket has run for 4.95 minutes: its rate is over those
      callsPerMinute: 0.81,
      errorsPerMinute: 0.4,
      errorRate: 0.5,
      // percentile_cont interpolates: p95 of 10,20,30,40 sits at 2.85 → 38.5
      gatewayP50: 25,
      gatewayP95: 38.5,
      // the denied call has no upstream time and is left out: 100,200,300
      upstreamP50: 200,
      upstreamP95: 290,
    });

    const ten = usage.buckets.find((b) => b.t === "2025-03-10T10:00:00.000Z")!;
    expect(ten).toMatchObject({ calls: 2, errors: 1, callsPerMinute: 0.2, errorsPerMinute: 0.1, errorRate: 0.5, gatewayP50: 6, upstreamP50: null, upstreamP95: null });

    expect(usage.buckets[0]).toMatchObject({ calls: 1, errors: 0, gatewayP50: 50, upstreamP95: 500 });
    const empty = usage.buckets.find((b) => b.t === "2025-03-10T00:00:00.000Z")!;
    expect(empty).toEqual({ t: "2025-03-10T00:00:00.000Z", calls: 0, errors: 0, callsPerMinute: 0, errorsPerMinute: 0, errorRate: null, gatewayP50: null, gatewayP95: null, upstreamP50: null, upstreamP95: null });
    expect(usage.buckets.reduce((sum, b) => sum + b.calls, 0)).toBe(7);
  });

  it("totals the window: error rate counts failed, denied and rate-limited calls", async () => {
    const { totals } = await getProjectUsage(database.db, projectId, { range: "24h", now });
    // gateway samples: 10,20,30,40,5,7,50 → sorted 5,7,10,20,30,40,50
    expect(totals).toEqual({
      calls: 7,
      errors: 3,
      errorRate: 3 / 7,
      gatewayP50: 20,
      gatewayP95: 47, // position 5.7 between 40 and 50
      upstreamP50: 250, // 100,200,300,500
      upstreamP95: 470, // position 2.85 between 300 and 500
    });
  });

  it("ranks top tools by calls with their errors", async () => {
    const { topTools } = await getProjectUsage(database.db, projectId, { range: "24h", now });
    expect(topTools).toEqual([
      { toolName: "list_contacts", calls: 4, errors: 2, gatewayP95: 38.5, upstreamP95: 290 },
      { toolName: "create_contact", calls: 2, errors: 1, gatewayP95: 6.9, upstreamP95: null },
      { toolName: "get_contact", calls: 1, errors: 0, gatewayP95: 50, upstreamP95: 500 },
    ]);
    const limited = await getProjectUsage(database.db, projectId, { range: "24h", now, topTools: 1 });
    expect(limited.topTools.map((t) => t.toolName)).toEqual(["list_contacts"]);
  });

  it("buckets the last 7 days by the hour", async () => {
    const usage = await getProjectUsage(database.db, projectId, { range: "7d", now });
    expect(usage.buckets).toHaveLength(168);
    expect(usage.buckets.at(-1)!.t).toBe("2025-03-10T12:00:00.000Z");
    expect(usage.buckets[0]!.t).toBe("2025-03-03T13:00:00.000Z");
    expect(usage.buckets.at(-1)).toMatchObject({ calls: 4, errors: 2, callsPerMinute: 0.11 }); // 4 calls in 34.9 minutes
    expect(usage.buckets.find((b) => b.t === "2025-03-10T10:00:00.000Z")).toMatchObject({ calls: 2, callsPerMinute: 0.03 }); // a whole hour
    expect(usage.buckets.find((b) => b.t === "2025-03-09T12:00:00.000Z")).toMatchObject({ calls: 2, errors: 1 });
    expect(usage.totals).toMatchObject({ calls: 9, errors: 4 });
    expect(usage.topTools[0]).toMatchObject({ toolName: "list_contacts", calls: 4 });
    expect(usage.topTools.find((t) => t.toolName === "get_contact")).toMatchObject({ calls: 3, errors: 1 });
  });

  it("sees only its own project's runs", async () => {
    const other = await getProjectUsage(database.db, otherProjectId, { range: "24h", now });
    expect(other.totals).toMatchObject({ calls: 2, errors: 1, gatewayP50: 999 });
    expect(other.topTools).toEqual([{ toolName: "list_contacts", calls: 2, errors: 1, gatewayP95: 999, upstreamP95: 999 }]);
  });

  it("answers zeros for a project without runs", async () => {
    const usage = await getProjectUsage(database.db, emptyProjectId, { range: "7d", now });
    expect(usage.buckets).toHaveLength(168);
    expect(usage.buckets.every((b) => b.calls === 0 && b.errorRate === null)).toBe(true);
    expect(usage.totals).toEqual({ calls: 0, errors: 0, errorRate: null, gatewayP50: null, gatewayP95: null, upstreamP50: null, upstreamP95: null });
    expect(usage.topTools).toEqual([]);
    expect(await hasProjectRuns(database.db, emptyProjectId)).toBe(false);
    expect(await hasProjectRuns(database.db, projectId)).toBe(true);
  });

  it("refuses an unknown range", async () => {
    await expect(getProjectUsage(database.db, projectId, { range: "1y" as "24h", now })).rejects.toThrow();
  });
});
