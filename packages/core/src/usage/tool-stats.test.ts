import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { newId } from "../ids/new-id.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { createTool } from "../tools/create-tool.ts";
import { getToolStats } from "./tool-stats.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const now = new Date("2026-03-10T12:34:56.000Z");

beforeAll(async () => {
  database = await createTestDatabase("tool_stats");
});
afterAll(() => database?.drop());

describe("getToolStats", () => {
  it("gives each tool its week of calls, error rate, p95 and newest run; tools without runs get zeros; other projects never count", async () => {
    const { db } = database;
    const org = await createOrganization(db, { name: "Stats" });
    const project = await createProject(db, { orgId: org.id, name: "Stats" });
    const other = await createProject(db, { orgId: org.id, name: "Other" });
    const box = new SecretBox(SecretBox.generateKey());
    for (const name of ["busy_tool", "idle_tool"]) await createTool(db, box, project.id, { name, description: "d", inputSchema: { type: "object" }, method: "GET", url: "https://api.example.com/x" });
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
    const run = (projectId: string, minutesAgo: number, status: "succeeded" | "failed", upstreamMs: number) => ({ id: newId("run", at(minutesAgo).getTime()), projectId, toolName: "busy_tool", status, principalKind: "api_key" as const, gatewayMs: 1, upstreamMs, createdAt: at(minutesAgo) });
    await db.run.createMany({ data: [run(project.id, 60, "succeeded", 20), run(project.id, 30, "failed", 40), run(project.id, 5, "succeeded", 30), run(other.id, 1, "failed", 900)] });

    const stats = await getToolStats(db, project.id, now);
    expect(stats.get("busy_tool")).toMatchObject({ calls: 3, errorRate: 1 / 3, lastCallAt: at(5) });
    // the 95th percentile of 20, 30 and 40 ms, interpolated
    expect(stats.get("busy_tool")!.p95Ms).toBeGreaterThanOrEqual(38);
    expect(stats.get("busy_tool")!.p95Ms).toBeLessThanOrEqual(40);
    expect(stats.get("idle_tool")).toEqual({ calls: 0, errorRate: null, p95Ms: null, lastCallAt: null });
  });
});
