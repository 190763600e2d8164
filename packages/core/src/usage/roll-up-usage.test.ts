import { createTestDatabase } from "@tengine/db/testing";
import type { RunStatus } from "@tengine/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { getProjectUsage, type ProjectUsage } from "./get-project-usage.ts";
import { histogramPercentile, LATENCY_BOUNDS, latencyBucket } from "./latency-histogram.ts";
import { rollUpUsage } from "./roll-up-usage.ts";
import { readUsageWatermark } from "./usage-rollup-state.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;

const now = new Date("2025-03-10T12:34:56.789Z");
const HOUR = 3_600_000;
const TOOLS = ["search_contacts", "get_contact", "create_note", "send_invoice"];
const STATUSES: RunStatus[] = ["succeeded", "succeeded", "succeeded", "succeeded", "failed", "deduplicated", "rate_limited", "denied"];

// Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced.
let seed = 42;
function random(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function runRow(at: number, project = projectId, overrides: Partial<{ status: RunStatus; tool: string; gatewayMs: number | null; upstreamMs: number | null }> = {}) {
  const status = overrides.status ?? (STATUSES[Math.floor(random() * STATUSES.length)] as RunStatus);
  const hasUpstream = status === "succeeded" || status === "failed";
  return {
    id: newId("run", at),
    projectId: project,
    toolName: overrides.tool ?? (TOOLS[Math.floor(random() ** 2 * TOOLS.length)] as string),
    status,
    principalKind: "api_key" as const,
    // Skewed latencies from 1 ms to seconds, as real traffic looks.
    gatewayMs: overrides.gatewayMs !== undefined ? overrides.gatewayMs : Math.round(1 + random() ** 3 * 60),
    upstreamMs: overrides.upstreamMs !== undefined ? overrides.upstreamMs : hasUpstream ? Math.round(20 + random() ** 4 * 3_000) : null,
    createdAt: new Date(at),
    finishedAt: new Date(at + 50),
  };
}

beforeAll(async () => {
  database = await createTestDatabase("usage_rollup");
  const org = await createOrganization(database.db, { name: "Rollup" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Rollup" })).id;
  otherProjectId = (await createProject(database.db, { orgId: org.id, name: "Other" })).id;
  // 4,000 runs spread over the last 7.5 days (some inside the unrolled last 25 minutes), and
  // another project's runs at the same times.
  const rows = [];
  for (let i = 0; i < 4_000; i++) rows.push(runRow(now.getTime() - Math.floor(random() * 7.5 * 24 * HOUR)));
  for (let i = 0; i < 300; i++) rows.push(runRow(now.getTime() - Math.floor(random() * 20 * 60_000)));
  for (let i = 0; i < 500; i++) rows.push(runRow(now.getTime() - Math.floor(random() * 7 * 24 * HOUR), otherProjectId, { gatewayMs: 999 }));
  await database.db.run.createMany({ data: rows });
}, 60_000);
afterAll(() => database?.drop());

/** Exact counts everywhere; percentiles within the documented bound of the histograms. */
function expectClose(rolled: ProjectUsage, scanned: ProjectUsage) {
  const near = (a: number | null, b: number | null) => {
    if (b === null) return expect(a).toBeNull();
    expect(a).not.toBeNull();
    // Exact below 10 ms; above, within 20 % (plus the 0.1 ms rounding of the output).
    if (b < 10) expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1);
    else expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(0.2 * b + 0.1);
  };
  expect(rolled.buckets.map((b) => [b.t, b.calls, b.errors, b.callsPerMinute, b.errorRate])).toEqual(scanned.buckets.map((b) => [b.t, b.calls, b.errors, b.callsPerMinute, b.errorRate]));
  rolled.buckets.forEach((b, i) => {
    const s = scanned.buckets[i]!;
    near(b.gatewayP50, s.gatewayP50);
    near(b.gatewayP95, s.gatewayP95);
    near(b.upstreamP50, s.upstreamP50);
    near(b.upstreamP95, s.upstreamP95);
  });
  expect({ ...rolled.totals, gatewayP50: 0, gatewayP95: 0, upstreamP50: 0, upstreamP95: 0 }).toEqual({ ...scanned.totals, gatewayP50: 0, gatewayP95: 0, upstreamP50: 0, upstreamP95: 0 });
  near(rolled.totals.gatewayP50, scanned.totals.gatewayP50);
  near(rolled.totals.gatewayP95, scanned.totals.gatewayP95);
  near(rolled.totals.upstreamP50, scanned.totals.upstreamP50);
  near(rolled.totals.upstreamP95, scanned.totals.upstreamP95);
  expect(rolled.topTools.map((t) => [t.toolName, t.calls, t.errors])).toEqual(scanned.topTools.map((t) => [t.toolName, t.calls, t.errors]));
  rolled.topTools.forEach((t, i) => {
    near(t.gatewayP95, scanned.topTools[i]!.gatewayP95);
    near(t.upstreamP95, scanned.topTools[i]!.upstreamP95);
  });
}

describe("latency histograms", () => {
  it("match width_bucket and estimate percentiles like percentile_cont", () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(1);
    expect(latencyBucket(10)).toBe(10);
    expect(latencyBucket(11)).toBe(10);
    expect(latencyBucket(10_000_000)).toBe(LATENCY_BOUNDS.length);
    // whole milliseconds below 10 ms are exact: 2,4,6,8 → p50 5, p95 7.7
    const hist: number[] = [];
    for (const v of [2, 4, 6, 8]) hist[latencyBucket(v)] = (hist[latencyBucket(v)] ?? 0) + 1;
    expect(histogramPercentile(Array.from(hist, (c) => c ?? 0), 0.5)).toBe(5);
    expect(histogramPercentile(Array.from(hist, (c) => c ?? 0), 0.95)).toBeCloseTo(7.7, 5);
    expect(histogramPercentile([], 0.5)).toBeNull();
  });
});

describe("usage.rollup", () => {
  it("charts are the same before and after the roll-up (counts exact, percentiles within 20 %)", async () => {
    const scanned24 = await getProjectUsage(database.db, projectId, { range: "24h", now, watermark: null });
    const scanned7 = await getProjectUsage(database.db, projectId, { range: "7d", now, watermark: null });
    expect(await readUsageWatermark(database.db)).toBeNull();

    const result = await rollUpUsage(database.db, { now });
    // 8 days back to the last bucket closed 15 minutes ago: 12:19:56 → up to 12:10.
    expect(result.watermark?.toISOString()).toBe("2025-03-10T12:10:00.000Z");
    expect(result.buckets).toBe(8 * 144 - 2);
    expect(result.rows).toBeGreaterThan(1_000);
    expect(await readUsageWatermark(database.db)).toEqual(new Date("2025-03-10T12:10:00.000Z"));

    const rolled24 = await getProjectUsage(database.db, projectId, { range: "24h", now });
    const rolled7 = await getProjectUsage(database.db, projectId, { range: "7d", now });
    expect(rolled7.totals.calls).toBeGreaterThan(3_000);
    expectClose(rolled24, scanned24);
    expectClose(rolled7, scanned7);
    // The other project is untouched by this one's roll-ups and vice versa.
    const other = await getProjectUsage(database.db, otherProjectId, { range: "7d", now });
    expectClose(other, await getProjectUsage(database.db, otherProjectId, { range: "7d", now, watermark: null }));
    expect(other.totals.calls).toBeGreaterThan(450);
    // every sample is 999 ms: the estimate stays inside its bucket [924, 1109)
    expect(other.totals.gatewayP95).toBeGreaterThanOrEqual(924);
    expect(other.totals.gatewayP95).toBeLessThan(1109);

    // One tool's charts (the tool page): its calls only, the same before and after the roll-up.
    const tool = rolled7.topTools[0]!.toolName;
    const oneRolled = await getProjectUsage(database.db, projectId, { range: "7d", now, toolName: tool });
    const oneScanned = await getProjectUsage(database.db, projectId, { range: "7d", now, toolName: tool, watermark: null });
    expect(oneRolled.totals.calls).toBe(rolled7.topTools[0]!.calls);
    expect(oneRolled.topTools.map((t) => t.toolName)).toEqual([tool]);
    expectClose(oneRolled, oneScanned);
    expect(oneRolled.totals.calls).toBeLessThan(rolled7.totals.calls);
  });

  it("is idempotent: a second pass at the same time changes nothing", async () => {
    const before = await database.db.usageRollup.findMany({ orderBy: [{ projectId: "asc" }, { bucketStart: "asc" }, { toolName: "asc" }, { status: "asc" }] });
    const again = await rollUpUsage(database.db, { now });
    expect(again.buckets).toBe(0);
    const after = await database.db.usageRollup.findMany({ orderBy: [{ projectId: "asc" }, { bucketStart: "asc" }, { toolName: "asc" }, { status: "asc" }] });
    expect(after).toEqual(before);
    // Sum of roll-up calls = runs before the watermark (8-day horizon covers all seeded runs).
    const calls = after.filter((r) => r.projectId === projectId).reduce((n, r) => n + r.calls, 0);
    const runs = await database.db.run.count({ where: { projectId, createdAt: { lt: new Date("2025-03-10T12:10:00.000Z") } } });
    expect(calls).toBe(runs);
  });

  it("re-rolls a bucket whose pending run an approval settled later", async () => {
    const at = new Date("2025-03-08T09:03:00.000Z").getTime();
    const run = runRow(at, projectId, { status: "pending", tool: "send_invoice", gatewayMs: 5, upstreamMs: null });
    await database.db.run.create({ data: { ...run, finishedAt: null } });
    const approvalId = newId("approval", at);
    await database.db.approval.create({
      data: { id: approvalId, projectId, runId: run.id, toolId: newId("tool"), toolName: "send_invoice", principal: {}, arguments: {}, expiresAt: new Date(at + HOUR) },
    });
    const later = new Date(now.getTime() + 60_000);
    await rollUpUsage(database.db, { now: later });
    // Not rolled up yet as pending: the run was inserted after its bucket's roll-up.
    const bucket = new Date("2025-03-08T09:00:00.000Z");
    const pendingRows = await database.db.usageRollup.findMany({ where: { projectId, bucketStart: bucket, toolName: "send_invoice", status: "pending" } });
    expect(pendingRows).toEqual([]);

    // Approved and executed: the run settles with finishedAt after the last pass.
    const settledAt = new Date(later.getTime() + 30_000);
    await database.db.run.update({ where: { id: run.id }, data: { status: "succeeded", upstreamMs: 120, finishedAt: settledAt } });
    await database.db.approval.update({ where: { id: approvalId }, data: { status: "approved", executedAt: settledAt } });
    const result = await rollUpUsage(database.db, { now: new Date(settledAt.getTime() + 60_000) });
    expect(result.reRolled).toBe(1);
    const rolled = await getProjectUsage(database.db, projectId, { range: "7d", now: new Date(settledAt.getTime() + 60_000) });
    const scanned = await getProjectUsage(database.db, projectId, { range: "7d", now: new Date(settledAt.getTime() + 60_000), watermark: null });
    expectClose(rolled, scanned);
    const rows = await database.db.usageRollup.findMany({ where: { projectId, bucketStart: bucket, toolName: "send_invoice", status: "succeeded" }, select: { calls: true, upstreamHist: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.upstreamHist[latencyBucket(120)]).toBeGreaterThanOrEqual(1);
  });
});
