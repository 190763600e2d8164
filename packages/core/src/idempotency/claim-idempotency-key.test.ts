import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { claimIdempotencyKey } from "./claim-idempotency-key.ts";
import { resolveIdempotencyKey } from "./resolve-idempotency-key.ts";
import { settleIdempotencyKey } from "./settle-idempotency-key.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
// Real time plus an offset the tests move forward (waiting must still see time pass).
let offset = 0;
const now = () => Date.now() + offset;
const options = { leaseMs: 60_000, waitMs: 0, now };

beforeAll(async () => {
  database = await createTestDatabase("idem");
  const org = await createOrganization(database.db, { name: "Idem" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Idem" })).id;
});
afterAll(() => database?.drop());

const scope = (principalKey = "api_key:key_1") => ({ projectId, principalKey, toolId: "tool_1" });
const explicit = (key: string, args: unknown) => {
  const r = resolveIdempotencyKey({ headerKey: key, principalKey: "api_key:key_1", toolId: "tool_1", args, readOnly: false, windowSeconds: 60 });
  if (!r.ok || !r.resolved) throw new Error("expected a key");
  return r.resolved;
};

describe("claimIdempotencyKey", () => {
  it("claims, replays a completed key, and refuses other arguments", async () => {
    const key = explicit("k1", { a: 1, b: 2 });
    const first = await claimIdempotencyKey(database.db, database.hot, scope(), key, "run_1", options);
    expect(first).toMatchObject({ kind: "claimed", upstreamKey: "run_1" });
    await settleIdempotencyKey(database.db, database.hot, (first as { recordId: string }).recordId, "run_1", { kind: "completed", result: { content: [] } });
    // same arguments in another key order: same hash, replay
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k1", { b: 2, a: 1 }), "run_2", options)).toEqual({ kind: "replay", originalRunId: "run_1", result: { content: [] } });
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k1", { a: 9 }), "run_3", options)).toEqual({ kind: "mismatch" });
    // another principal has its own key space
    expect(await claimIdempotencyKey(database.db, database.hot, scope("api_key:key_2"), key, "run_4", options)).toMatchObject({ kind: "claimed" });
  });

  it("frees an expired key for any arguments, with a fresh upstream key", async () => {
    const first = await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k2", { a: 1 }), "run_10", options);
    await settleIdempotencyKey(database.db, database.hot, (first as { recordId: string }).recordId, "run_10", { kind: "completed", result: { content: [] } });
    offset += 25 * 60 * 60 * 1000;
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k2", { other: true }), "run_11", options)).toMatchObject({ kind: "claimed", upstreamKey: "run_11" });
  });

  it("lets a retry take over a retryable key, keeping the upstream key", async () => {
    const first = await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k3", {}), "run_20", options);
    await settleIdempotencyKey(database.db, database.hot, (first as { recordId: string }).recordId, "run_20", { kind: "retryable" });
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k3", {}), "run_21", options)).toMatchObject({ kind: "claimed", upstreamKey: "run_20" });
  });

  it("waits for an in-flight key, answers busy after the wait, and takes over an abandoned lease", async () => {
    const key = explicit("k4", {});
    await claimIdempotencyKey(database.db, database.hot, scope(), key, "run_30", options);
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), key, "run_31", { ...options, waitMs: 50 })).toEqual({ kind: "busy", originalRunId: "run_30" });
    offset += 61_000; // the first holder's lease ran out (a crashed replica)
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), key, "run_32", options)).toMatchObject({ kind: "claimed", upstreamKey: "run_30" });
  });

  it("releases a key when nothing was sent", async () => {
    const first = await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k5", {}), "run_40", options);
    await settleIdempotencyKey(database.db, database.hot, (first as { recordId: string }).recordId, "run_40", { kind: "released" });
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k5", { now: "different" }), "run_41", options)).toMatchObject({ kind: "claimed", upstreamKey: "run_41" });
  });

  it("validates a stored result on read: an unreadable one replays as an error, never re-sends", async () => {
    const first = await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k6", {}), "run_50", options);
    const recordId = (first as { recordId: string }).recordId;
    await settleIdempotencyKey(database.db, database.hot, recordId, "run_50", { kind: "completed", result: { content: [{ type: "text", text: "done" }], isError: false } });
    expect(await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k6", {}), "run_51", options)).toEqual({
      kind: "replay",
      originalRunId: "run_50",
      result: { content: [{ type: "text", text: "done" }], isError: false },
    });
    // a row edited by hand (or written by another version) into another shape
    await database.db.idempotencyRecord.update({ where: { id: recordId }, data: { result: { content: "not a list" } } });
    const replay = await claimIdempotencyKey(database.db, database.hot, scope(), explicit("k6", {}), "run_52", options);
    expect(replay).toMatchObject({ kind: "replay", originalRunId: "run_50", result: { isError: true, content: [{ type: "text", text: expect.stringContaining("stored result of run run_50") }] } });
  });

  it("refuses malformed explicit keys", () => {
    for (const bad of ["", "x".repeat(256), "a\nb", 42]) {
      expect(resolveIdempotencyKey({ metaKey: bad, principalKey: "p", toolId: "t", args: {}, readOnly: false, windowSeconds: 60 }).ok).toBe(false);
    }
    expect(resolveIdempotencyKey({ principalKey: "p", toolId: "t", args: {}, readOnly: true, windowSeconds: 60 })).toEqual({ ok: true, resolved: null });
    expect(resolveIdempotencyKey({ principalKey: "p", toolId: "t", args: {}, readOnly: false, windowSeconds: 0 })).toEqual({ ok: true, resolved: null });
  });
});
