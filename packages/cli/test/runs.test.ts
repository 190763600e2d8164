import { newId } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, createCliWorld } from "./support/cli-world.ts";

let world: Awaited<ReturnType<typeof createCliWorld>>;
let cli: ReturnType<typeof cliRunner>;

/** A recorded run of acme-crm's get_contact tool (ids are time-sortable: newer runs sort after). */
function recordRun(data: { status: "succeeded" | "failed"; principalKind: "api_key" | "member"; apiKeyId?: string; memberId?: string; memberEmail?: string; error?: string; at?: Date }) {
  const { at, ...rest } = data;
  return world.db.run.create({ data: { id: newId("run", at?.getTime()), projectId: world.project.id, toolId: world.tool.id, toolName: "get_contact", httpStatus: data.status === "failed" ? 502 : 200, attempts: 1, ...(at ? { createdAt: at } : {}), ...rest } });
}

beforeAll(async () => {
  world = await createCliWorld("cli_runs");
  cli = cliRunner(world.env);
  await recordRun({ status: "succeeded", principalKind: "api_key", apiKeyId: world.key.id, at: new Date(Date.now() - 3 * 24 * 3600_000) });
  await recordRun({ status: "failed", principalKind: "member", memberId: "m-42", memberEmail: "pat@customer.example", error: 'Upstream answered 502, "Bad Gateway"' });
  await recordRun({ status: "succeeded", principalKind: "api_key", apiKeyId: world.key.id });
}, 60_000);
afterAll(() => world?.database.drop());

describe("tengine runs", () => {
  it("filters like the runs page: status, caller, key, member, time", { timeout: 300_000 }, async () => {
    const ids = async (...filters: string[]) => (await cli.json("runs", "list", "--project", "acme-crm", ...filters)).runs.map((r: { status: string; principalKind: string }) => `${r.status}/${r.principalKind}`);
    expect(await ids()).toEqual(["succeeded/api_key", "failed/member", "pending/dashboard", "pending/api_key", "succeeded/api_key"]);
    expect(await ids("--status", "failed")).toEqual(["failed/member"]);
    expect(await ids("--key", world.key.id, "--since", "24h")).toEqual(["succeeded/api_key", "pending/api_key"]);
    // A member filter implies member calls, as on the runs page.
    expect(await ids("--member", "m-42", "--principal", "api_key")).toEqual(["failed/member"]);
    expect(await ids("--principal", "dashboard")).toEqual(["pending/dashboard"]);
    expect(await ids("--until", new Date(Date.now() - 24 * 3600_000).toISOString())).toEqual(["succeeded/api_key"]);
    const bad = await cli.run(["runs", "list", "--project", "acme-crm", "--since", "fortnight"]);
    expect(bad).toMatchObject({ code: 2, stderr: 'error: --since must be one of 1h, 24h, 7d, 30d or an ISO 8601 time (got "fortnight")\n' });
  });

  it("searches text and filters by HTTP status class, like the runs page", { timeout: 300_000 }, async () => {
    const statuses = async (...filters: string[]) => (await cli.json("runs", "list", "--project", "acme-crm", ...filters)).runs.map((r: { status: string }) => r.status);
    expect(await statuses("--search", "bad gateway")).toEqual(["failed"]);
    expect(await statuses("--http-status", "5xx")).toEqual(["failed"]);
    expect(await statuses("--http-status", "502", "--search", "nothing like this")).toEqual([]);
    const bad = await cli.run(["runs", "list", "--project", "acme-crm", "--http-status", "5x"]);
    expect(bad).toMatchObject({ code: 2, stderr: 'error: --http-status is a class (2xx, 4xx…) or a status such as 404 (got "5x")\n' });
  });

  it("exports CSV with a header and quoted fields, and gets a whole run", { timeout: 300_000 }, async () => {
    const csv = await cli.run(["runs", "list", "--project", "acme-crm", "--status", "failed", "--format", "csv"]);
    expect(csv.code).toBe(0);
    const [header, row, end] = csv.stdout.split("\n");
    expect(header).toBe("id,toolId,toolName,status,principalKind,apiKeyId,memberId,memberEmail,userId,clientId,httpStatus,attempts,gatewayMs,upstreamMs,idempotencyKey,dedupeSource,originalRunId,error,createdAt,finishedAt");
    expect(row).toContain(',get_contact,failed,member,,m-42,pat@customer.example,,,502,1,');
    expect(row).toContain(',"Upstream answered 502, ""Bad Gateway""",');
    expect(end).toBe("");

    const failed = (await cli.json("runs", "list", "--project", "acme-crm", "--status", "failed")).runs[0];
    const detail = await cli.json("runs", "get", "--project", "acme-crm", failed.id);
    expect(detail.run).toMatchObject({ id: failed.id, status: "failed", memberEmail: "pat@customer.example" });
    expect(detail.tool).toEqual({ id: world.tool.id, name: "get_contact" });
    expect((await cli.fails("runs", "get", "--project", "acme-other", failed.id)).code).toBe(3);
  });

  it("--follow prints the newest runs, then each new run as it is recorded", { timeout: 300_000 }, async () => {
    const child = cli.spawn(["--json", "runs", "list", "--project", "acme-crm", "--status", "succeeded", "--limit", "1", "--follow"]);
    let stdout = "";
    let stderr = "";
    let exited: number | null | undefined;
    let notify = () => {};
    child.stdout.on("data", (d) => {
      stdout += d;
      notify();
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => {
      exited = code;
      notify();
    });
    /** The first `n` lines the command printed (waits for them; fails if it exits first). */
    const lines = (n: number) =>
      new Promise<string[]>((resolve, reject) => {
        notify = () => {
          const got = stdout.split("\n").filter(Boolean);
          if (got.length >= n) resolve(got.slice(0, n));
          else if (exited !== undefined) reject(new Error(`tengine exited ${exited}: ${stderr}`));
        };
        notify();
      });
    try {
      const [first] = await lines(1);
      const newest = JSON.parse(first!);
      expect(newest).toMatchObject({ status: "succeeded", principalKind: "api_key" });
      // A failed run does not match the filter; the two succeeded ones are streamed in order.
      await recordRun({ status: "failed", principalKind: "api_key", apiKeyId: world.key.id, error: "boom" });
      const a = await recordRun({ status: "succeeded", principalKind: "member", memberId: "m-7" });
      const b = await recordRun({ status: "succeeded", principalKind: "api_key", apiKeyId: world.key.id });
      expect((await lines(3)).slice(1).map((l) => JSON.parse(l).id)).toEqual([a.id, b.id]);
      // A later poll prints only what is new: each run once.
      const c = await recordRun({ status: "succeeded", principalKind: "api_key", apiKeyId: world.key.id });
      await lines(4);
      const printed = stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
      expect(printed.map((r) => r.id)).toEqual([newest.id, a.id, b.id, c.id]);
      expect(printed.every((r) => r.status === "succeeded")).toBe(true);
    } finally {
      child.kill();
    }
    expect(stderr).toBe("");
    expect((await cli.run(["runs", "list", "--project", "acme-crm", "--follow", "--cursor", "run_x"])).code).toBe(2);
  });
});
