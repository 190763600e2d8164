import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { createApiKey } from "../keys/create-api-key.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { getRunDetail } from "./get-run-detail.ts";
import { listRunPrincipals } from "./list-run-principals.ts";
import { listRuns, listRunsInput } from "./list-runs.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
let otherProjectId: string;
let keyId: string;
let otherKeyId: string;
const userId = newId("user");
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const MINUTE = 60_000;
/** r[0] oldest … r[6] newest, one a minute */
const r: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase("runs");
  const { db } = database;
  const org = await createOrganization(db, { name: "Runs" });
  projectId = (await createProject(db, { orgId: org.id, name: "Runs" })).id;
  otherProjectId = (await createProject(db, { orgId: org.id, name: "Other" })).id;
  keyId = (await createApiKey(db, projectId, { name: "backend" })).id;
  otherKeyId = (await createApiKey(db, otherProjectId, { name: "theirs" })).id;
  await db.user.create({ data: { id: userId, email: "admin@example.com", name: "Ada" } });
  for (let i = 0; i < 7; i++) {
    const id = newId("run", T0 + i * MINUTE);
    r.push(id);
    await db.run.create({
      data: {
        id,
        projectId,
        toolName: i % 2 ? "get_contact" : "create_note",
        status: i === 3 ? "failed" : "succeeded",
        principalKind: i === 6 ? "dashboard" : "api_key",
        apiKeyId: i === 6 ? null : keyId,
        userId: i === 6 ? userId : null,
        createdAt: new Date(T0 + i * MINUTE),
      },
    });
  }
  // Another project's runs, interleaved in time: never listed here.
  for (let i = 0; i < 3; i++) {
    await db.run.create({ data: { id: newId("run", T0 + i * MINUTE + 1), projectId: otherProjectId, toolName: "get_contact", status: "succeeded", principalKind: "api_key", apiKeyId: otherKeyId, createdAt: new Date(T0 + i * MINUTE + 1) } });
  }
});

afterAll(async () => {
  await database?.drop();
});

const ids = (page: { runs: { id: string }[] }) => page.runs.map((run) => run.id);

describe("listRuns keyset pagination", () => {
  it("pages older with cursor and newer with after, newest first, within the project", async () => {
    const { db } = database;
    const first = await listRuns(db, projectId, { limit: 3 });
    expect(ids(first)).toEqual([r[6], r[5], r[4]]);
    expect(first.prevCursor).toBeNull();
    expect(first.nextCursor).toBe(r[4]);

    const second = await listRuns(db, projectId, { limit: 3, cursor: first.nextCursor! });
    expect(ids(second)).toEqual([r[3], r[2], r[1]]);
    expect(second.prevCursor).toBe(r[3]);

    const third = await listRuns(db, projectId, { limit: 3, cursor: second.nextCursor! });
    expect(ids(third)).toEqual([r[0]]);
    expect(third.nextCursor).toBeNull();

    // "Newer" from the third page is exactly the second page again.
    const back = await listRuns(db, projectId, { limit: 3, after: third.prevCursor! });
    expect(ids(back)).toEqual(ids(second));
    expect(back.prevCursor).toBe(r[3]);
    expect(back.nextCursor).toBe(r[1]);

    // Fewer than a page of newer runs left: the first page, whole.
    const top = await listRuns(db, projectId, { limit: 3, after: second.prevCursor! });
    expect(ids(top)).toEqual(ids(first));
    expect(top.prevCursor).toBeNull();
  });

  it("applies filters and time bounds on both directions", async () => {
    const { db } = database;
    const tool = await listRuns(db, projectId, { toolName: "get_contact", limit: 2 });
    expect(ids(tool)).toEqual([r[5], r[3]]);
    const older = await listRuns(db, projectId, { toolName: "get_contact", limit: 2, cursor: tool.nextCursor! });
    expect(ids(older)).toEqual([r[1]]);
    const newer = await listRuns(db, projectId, { toolName: "get_contact", limit: 2, after: older.prevCursor! });
    expect(ids(newer)).toEqual([r[5], r[3]]);

    expect(ids(await listRuns(db, projectId, { status: "failed" }))).toEqual([r[3]]);
    expect(ids(await listRuns(db, projectId, { principalKind: "dashboard" }))).toEqual([r[6]]);
    expect(ids(await listRuns(db, projectId, { apiKeyId: otherKeyId }))).toEqual([]);
    const window = await listRuns(db, projectId, { since: new Date(T0 + 2 * MINUTE), until: new Date(T0 + 5 * MINUTE) });
    expect(ids(window)).toEqual([r[4], r[3], r[2]]);
  });
});

describe("run principals and detail", () => {
  it("names keys and users of a page, never another project's key", async () => {
    const { db } = database;
    const names = await listRunPrincipals(db, projectId, [
      { apiKeyId: keyId, userId: null },
      { apiKeyId: otherKeyId, userId: null },
      { apiKeyId: null, userId },
    ]);
    expect(names.keys[keyId]).toMatchObject({ name: "backend", revoked: false });
    expect(names.keys[keyId]!.prefix).toMatch(/^tengine_/);
    expect(names.keys[otherKeyId]).toBeUndefined();
    expect(names.users[userId]).toEqual({ email: "admin@example.com", name: "Ada" });
  });

  it("returns the run with its principal, and null for another project's run", async () => {
    const { db } = database;
    const detail = await getRunDetail(db, projectId, r[6]!);
    expect(detail?.run.id).toBe(r[6]);
    expect(detail?.user?.email).toBe("admin@example.com");
    expect(detail?.apiKey).toBeNull();
    expect(await getRunDetail(db, otherProjectId, r[6]!)).toBeNull();
    expect(await getRunDetail(db, projectId, "run_nope")).toBeNull();
  });

  it("links a deduplicated run to its original run in the same project only", async () => {
    const { db } = database;
    const dedup = newId("run", T0 + 10 * MINUTE);
    await db.run.create({ data: { id: dedup, projectId, toolName: "create_note", status: "deduplicated", principalKind: "api_key", apiKeyId: keyId, idempotencyKey: "abc", dedupeSource: "header", originalRunId: r[4]! } });
    const detail = await getRunDetail(db, projectId, dedup);
    expect(detail?.originalRun).toMatchObject({ id: r[4], status: "succeeded" });
    expect(detail?.apiKey?.name).toBe("backend");

    const foreign = await db.run.findFirstOrThrow({ where: { projectId: otherProjectId }, select: { id: true } });
    const sneaky = newId("run", T0 + 11 * MINUTE);
    await db.run.create({ data: { id: sneaky, projectId, toolName: "create_note", status: "deduplicated", principalKind: "api_key", originalRunId: foreign.id } });
    expect((await getRunDetail(db, projectId, sneaky))?.originalRun).toBeNull();
  });
});

describe("listRuns search, HTTP status and latency", () => {
  it("finds runs by id or by text in arguments, response body or error; never another project's", async () => {
    const { db } = database;
    const base = { projectId, toolName: "find_order", principalKind: "api_key" as const, apiKeyId: keyId };
    const order = newId("run", T0 + 10 * MINUTE);
    const missing = newId("run", T0 + 11 * MINUTE);
    const slow = newId("run", T0 + 12 * MINUTE);
    await db.run.createMany({
      data: [
        { ...base, id: order, status: "succeeded", httpStatus: 200, gatewayMs: 2, upstreamMs: 40, arguments: { order: "ORD-7781", note: "50%_off" }, response: { status: 200, headers: {}, body: '{"customer":"Grace Hopper"}' } },
        { ...base, id: missing, status: "failed", httpStatus: 404, gatewayMs: 3, upstreamMs: 10, arguments: { order: "ORD-0000" }, error: "Upstream said: order not found" },
        { ...base, id: slow, status: "failed", httpStatus: 503, gatewayMs: 400, upstreamMs: 900, arguments: { order: "ORD-5555" } },
      ],
    });
    await db.run.create({ data: { id: newId("run", T0 + 13 * MINUTE), projectId: otherProjectId, toolName: "find_order", status: "succeeded", principalKind: "api_key", apiKeyId: otherKeyId, arguments: { order: "ORD-7781" } } });

    expect(ids(await listRuns(db, projectId, { search: "ord-7781" }))).toEqual([order]);
    expect(ids(await listRuns(db, projectId, { search: "grace HOPPER" }))).toEqual([order]);
    expect(ids(await listRuns(db, projectId, { search: "not found" }))).toEqual([missing]);
    expect(ids(await listRuns(db, projectId, { search: missing }))).toEqual([missing]);
    // % and _ are text, not wildcards
    expect(ids(await listRuns(db, projectId, { search: "50%_off" }))).toEqual([order]);
    expect(ids(await listRuns(db, projectId, { search: "5%off" }))).toEqual([]);

    expect(ids(await listRuns(db, projectId, { httpStatus: "4xx" }))).toEqual([missing]);
    expect(ids(await listRuns(db, projectId, { httpStatus: "5xx" }))).toEqual([slow]);
    expect(ids(await listRuns(db, projectId, { httpStatus: "200" }))).toEqual([order]);
    // gateway + upstream: 1300 ms ≥ 1000; 42 ms is not
    expect(ids(await listRuns(db, projectId, { slowerThanMs: 1000 }))).toEqual([slow]);
    expect(ids(await listRuns(db, projectId, { slowerThanMs: 42, toolName: "find_order" }))).toEqual([slow, order]);
    // combined with paging: one a page, older with the cursor
    const first = await listRuns(db, projectId, { search: "ORD-", limit: 1 });
    expect(ids(first)).toEqual([slow]);
    expect(ids(await listRuns(db, projectId, { search: "ORD-", limit: 1, cursor: first.nextCursor! }))).toEqual([missing]);
    expect(() => listRunsInput.parse({ httpStatus: "4x" })).toThrow("HTTP status is a class");
  });
});
