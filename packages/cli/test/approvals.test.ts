import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, createCliWorld } from "./support/cli-world.ts";

let world: Awaited<ReturnType<typeof createCliWorld>>;
let cli: ReturnType<typeof cliRunner>;

beforeAll(async () => {
  world = await createCliWorld("cli_approvals");
  cli = cliRunner(world.env);
}, 60_000);
afterAll(() => world?.database.drop());

describe("tengine approvals", () => {
  it("lists the queue and gets one approval with its caller and arguments", { timeout: 300_000 }, async () => {
    const pending = await cli.json("approvals", "list", "--project", "acme-crm", "--status", "pending");
    expect(pending.nextCursor).toBeNull();
    expect(pending.approvals.map((a: { id: string }) => a.id)).toEqual([world.approvals.byKey.id, world.approvals.byMember.id]);
    expect(pending.approvals[0]).toMatchObject({ toolName: "get_contact", status: "pending", principal: { kind: "api_key", keyId: world.key.id }, arguments: { id: "42" }, runId: world.approvals.byKey.runId });

    const one = await cli.json("approvals", "get", "--project", "acme-crm", world.approvals.byMember.id);
    expect(one).toMatchObject({ id: world.approvals.byMember.id, principal: { kind: "dashboard", userId: world.people.member.id }, status: "pending" });
    // Another project's approval is not found.
    expect((await cli.fails("approvals", "get", "--project", "acme-other", world.approvals.byKey.id)).code).toBe(3);
  });

  it("refuses a decision without --as, by a viewer, by an outsider, and on one's own call", { timeout: 300_000 }, async () => {
    const anonymous = await cli.run(["approvals", "approve", "--project", "acme-crm", world.approvals.byKey.id]);
    expect(anonymous).toMatchObject({ code: 2, stderr: "error: required option '--as <email>' not specified\n" });
    const viewer = await cli.fails("approvals", "approve", "--project", "acme-crm", world.approvals.byKey.id, "--as", "viewer@acme.example");
    expect(viewer).toEqual({ code: 5, error: { error: "forbidden", message: "deciding approvals needs the member role or above" } });
    const outsider = await cli.fails("approvals", "deny", "--project", "acme-crm", world.approvals.byKey.id, "--as", "outsider@acme.example");
    expect(outsider.code).toBe(5);
    const nobody = await cli.fails("approvals", "deny", "--project", "acme-crm", world.approvals.byKey.id, "--as", "nobody@acme.example");
    expect(nobody).toEqual({ code: 5, error: { error: "forbidden", message: "no account has the email nobody@acme.example" } });
    const own = await cli.fails("approvals", "approve", "--project", "acme-crm", world.approvals.byMember.id, "--as", "member@acme.example");
    expect(own).toEqual({ code: 5, error: { error: "forbidden", message: "this call is waiting on your own behalf: another person must decide on it" } });
    const otherProject = await cli.fails("approvals", "approve", "--project", "acme-other", world.approvals.byKey.id, "--as", "admin@acme.example");
    expect(otherProject.code).toBe(3);
    const rows = await world.db.approval.findMany({ where: { projectId: world.project.id } });
    expect(rows.map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(await world.db.auditLog.count({ where: { action: { startsWith: "approval." } } })).toBe(0);
  });

  it("approves and denies as a named person, audited; a second decision is a conflict", { timeout: 300_000 }, async () => {
    const denied = await cli.json("approvals", "deny", "--project", "acme-crm", world.approvals.byMember.id, "--as", "Admin@Acme.example", "--reason", "wrong customer");
    expect(denied).toEqual({ approvalId: world.approvals.byMember.id, runId: world.approvals.byMember.runId, status: "denied" });
    const run = await world.db.run.findUniqueOrThrow({ where: { id: world.approvals.byMember.runId } });
    expect(run).toMatchObject({ status: "denied", error: "denied by admin@acme.example: wrong customer" });

    const approved = await cli.json("approvals", "approve", "--project", "acme-crm", world.approvals.byKey.id, "--as", "member@acme.example");
    expect(approved).toMatchObject({ status: "approved" });
    const again = await cli.fails("approvals", "deny", "--project", "acme-crm", world.approvals.byKey.id, "--as", "owner@acme.example");
    expect(again).toEqual({ code: 4, error: { error: "conflict", message: "this call was already approved by member@acme.example" } });

    const audit = await world.db.auditLog.findMany({ where: { action: { startsWith: "approval." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorUserId, a.actorEmail, (a.details as { reason?: string }).reason ?? null])).toEqual([
      ["approval.deny", world.people.admin.id, "admin@acme.example", "wrong customer"],
      ["approval.approve", world.people.member.id, "member@acme.example", null],
    ]);
    const decided = await cli.json("approvals", "list", "--project", "acme-crm", "--status", "denied");
    expect(decided.approvals).toHaveLength(1);
    expect(decided.approvals[0]).toMatchObject({ id: world.approvals.byMember.id, decidedByEmail: "admin@acme.example", reason: "wrong customer" });
  });
});

describe("tengine approvals webhook", () => {
  it("sets, shows only the host of, and removes the approval webhook; refuses a bad URL", { timeout: 300_000 }, async () => {
    expect(await cli.json("approvals", "webhook", "--project", "acme-crm")).toEqual({ webhook: null });
    expect(await cli.json("approvals", "webhook", "--project", "acme-crm", "--url", "https://hooks.example.com/services/T0/B0/secret-token")).toEqual({ webhook: { host: "hooks.example.com" } });
    const shown = await cli.run(["approvals", "webhook", "--project", "acme-crm"]);
    expect(shown.stdout).toBe("new pending approvals are posted to hooks.example.com\n");
    expect(await cli.fails("approvals", "webhook", "--project", "acme-crm", "--url", "ftp://hooks.example.com/x")).toEqual({ code: 1, error: { error: "bad_request", message: "the approval webhook must be an http(s) URL" } });
    expect(await cli.json("approvals", "webhook", "--project", "acme-crm", "--remove")).toEqual({ webhook: null });
    expect(await world.db.auditLog.count({ where: { action: { startsWith: "approval_webhook." } } })).toBe(2);
  });
});
