import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../access/roles.ts";
import { newId } from "../ids/new-id.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { verifyPassword } from "../users/password.ts";
import { addMember } from "./add-member.ts";
import { changeMemberRole } from "./change-member-role.ts";
import { listMembers } from "./list-members.ts";
import { removeMember } from "./remove-member.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase("members");
});
afterAll(() => database?.drop());

/** A fresh organization with one member per given role; returns the membership ids by label. */
async function orgWith(roles: Record<string, Role>) {
  const org = await createOrganization(db(), { name: `Org ${Math.random()}` });
  const ids: Record<string, string> = {};
  for (const [label, role] of Object.entries(roles)) {
    const user = await db().user.create({ data: { id: newId("user"), email: `${label}-${org.id}@example.com`.toLowerCase() } });
    ids[label] = (await db().membership.create({ data: { id: newId("membership"), orgId: org.id, userId: user.id, role } })).id;
  }
  return { orgId: org.id, ids };
}

describe("addMember", () => {
  it("creates an account with a one-time password when the email is new", async () => {
    const { orgId } = await orgWith({ boss: "owner" });
    const result = await addMember(db(), orgId, "owner", { email: "  New.Person@Example.com ", role: "member", name: "New Person" });
    expect(result.userCreated).toBe(true);
    expect(result.member).toMatchObject({ email: "new.person@example.com", name: "New Person", role: "member" });
    expect(result.temporaryPassword).toMatch(/^[0-9A-Za-z]{22}$/);
    const user = await db().user.findUniqueOrThrow({ where: { email: "new.person@example.com" } });
    expect(user.passwordHash).not.toContain(result.temporaryPassword);
    expect(await verifyPassword(result.temporaryPassword!, user.passwordHash!)).toBe(true);
  });

  it("adds an existing account without touching its password, once", async () => {
    const first = await orgWith({ boss: "owner" });
    const second = await orgWith({ boss: "owner" });
    const created = await addMember(db(), first.orgId, "owner", { email: "shared@example.com", role: "viewer" });
    const before = await db().user.findUniqueOrThrow({ where: { email: "shared@example.com" }, select: { passwordHash: true } });
    const again = await addMember(db(), second.orgId, "admin", { email: "SHARED@example.com", role: "member" });
    expect(again.userCreated).toBe(false);
    expect(again.temporaryPassword).toBeUndefined();
    expect(again.member.userId).toBe(created.member.userId);
    expect((await db().user.findUniqueOrThrow({ where: { email: "shared@example.com" }, select: { passwordHash: true } })).passwordHash).toBe(before.passwordHash);
    await expect(addMember(db(), second.orgId, "owner", { email: "shared@example.com", role: "viewer" })).rejects.toMatchObject({ code: "conflict", message: "shared@example.com is already a member of this organization" });
  });

  it("lets admins add members and viewers only, and members nobody", async () => {
    const { orgId } = await orgWith({ boss: "owner" });
    await expect(addMember(db(), orgId, "admin", { email: "a1@example.com", role: "viewer" })).resolves.toMatchObject({ member: { role: "viewer" } });
    await expect(addMember(db(), orgId, "admin", { email: "a2@example.com", role: "admin" })).rejects.toMatchObject({ code: "forbidden", message: "only an owner can make someone an admin" });
    await expect(addMember(db(), orgId, "admin", { email: "a3@example.com", role: "owner" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(addMember(db(), orgId, "member", { email: "a4@example.com", role: "viewer" })).rejects.toMatchObject({ code: "forbidden", message: "managing members needs the admin role" });
    await expect(addMember(db(), orgId, "owner", { email: "a5@example.com", role: "owner" })).resolves.toMatchObject({ member: { role: "owner" } });
    // refused before anything is written
    expect(await db().user.count({ where: { email: { in: ["a2@example.com", "a3@example.com", "a4@example.com"] } } })).toBe(0);
  });

  it("validates the email", async () => {
    const { orgId } = await orgWith({ boss: "owner" });
    await expect(addMember(db(), orgId, "owner", { email: "not-an-email", role: "viewer" })).rejects.toThrow(/valid email/);
  });
});

describe("changeMemberRole", () => {
  it("lets an admin move members and viewers, but not touch admins or owners", async () => {
    const { orgId, ids } = await orgWith({ boss: "owner", adm: "admin", other: "admin", dev: "member" });
    await expect(changeMemberRole(db(), orgId, "admin", ids.dev!, "viewer")).resolves.toMatchObject({ previousRole: "member", member: { role: "viewer" } });
    await expect(changeMemberRole(db(), orgId, "admin", ids.dev!, "admin")).rejects.toMatchObject({ code: "forbidden", message: "only an owner can make someone an admin" });
    await expect(changeMemberRole(db(), orgId, "admin", ids.other!, "member")).rejects.toMatchObject({ code: "forbidden", message: "only an owner can change or remove an admin" });
    await expect(changeMemberRole(db(), orgId, "admin", ids.boss!, "viewer")).rejects.toMatchObject({ code: "forbidden", message: "only an owner can change or remove an owner" });
    await expect(changeMemberRole(db(), orgId, "member", ids.dev!, "member")).rejects.toMatchObject({ code: "forbidden" });
    expect((await db().membership.findUniqueOrThrow({ where: { id: ids.boss! } })).role).toBe("owner");
  });

  it("lets an owner promote to admin and owner", async () => {
    const { orgId, ids } = await orgWith({ boss: "owner", dev: "member" });
    await expect(changeMemberRole(db(), orgId, "owner", ids.dev!, "admin")).resolves.toMatchObject({ member: { role: "admin" } });
    await expect(changeMemberRole(db(), orgId, "owner", ids.dev!, "owner")).resolves.toMatchObject({ member: { role: "owner" } });
  });

  it("never demotes the last owner, even when two owners demote each other at once", async () => {
    const { orgId, ids } = await orgWith({ a: "owner", b: "owner" });
    const results = await Promise.allSettled([changeMemberRole(db(), orgId, "owner", ids.a!, "admin"), changeMemberRole(db(), orgId, "owner", ids.b!, "admin")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "conflict" });
    expect(refused.reason.message).toMatch(/last owner/);
    expect(await db().membership.count({ where: { orgId, role: "owner" } })).toBe(1);
  });

  it("is a 404 for another organization's member", async () => {
    const mine = await orgWith({ boss: "owner" });
    const theirs = await orgWith({ dev: "member" });
    await expect(changeMemberRole(db(), mine.orgId, "owner", theirs.ids.dev!, "viewer")).rejects.toMatchObject({ code: "not_found" });
    await expect(removeMember(db(), mine.orgId, "owner", theirs.ids.dev!)).rejects.toMatchObject({ code: "not_found" });
    expect(await db().membership.findUnique({ where: { id: theirs.ids.dev! } })).toMatchObject({ role: "member" });
  });
});

describe("removeMember", () => {
  it("follows the same rules and keeps the last owner", async () => {
    const { orgId, ids } = await orgWith({ boss: "owner", adm: "admin", dev: "member", eye: "viewer" });
    await expect(removeMember(db(), orgId, "admin", ids.boss!)).rejects.toMatchObject({ code: "forbidden" });
    await expect(removeMember(db(), orgId, "admin", ids.adm!)).rejects.toMatchObject({ code: "forbidden" });
    await expect(removeMember(db(), orgId, "viewer", ids.eye!)).rejects.toMatchObject({ code: "forbidden" });
    await expect(removeMember(db(), orgId, "admin", ids.dev!)).resolves.toMatchObject({ role: "member" });
    await expect(removeMember(db(), orgId, "owner", ids.boss!)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/last owner/) });
    await expect(removeMember(db(), orgId, "owner", ids.adm!)).resolves.toMatchObject({ role: "admin" });
    const left = await listMembers(db(), orgId);
    expect(left.map((m) => m.role)).toEqual(["owner", "viewer"]);
    // the account itself stays
    expect(await db().user.count({ where: { email: { startsWith: "dev-" } } })).toBeGreaterThan(0);
  });

  it("lets one of two owners leave", async () => {
    const { orgId, ids } = await orgWith({ a: "owner", b: "owner" });
    await removeMember(db(), orgId, "owner", ids.a!);
    expect(await listMembers(db(), orgId)).toHaveLength(1);
  });
});

describe("listMembers", () => {
  it("lists owners first, with email, name and join date, and only this organization's", async () => {
    const { orgId } = await orgWith({ v: "viewer", o: "owner", m: "member", a: "admin" });
    await orgWith({ stranger: "owner" });
    const members = await listMembers(db(), orgId);
    expect(members.map((m) => m.role)).toEqual(["owner", "admin", "member", "viewer"]);
    expect(members[0]).toMatchObject({ id: expect.stringMatching(/^mem_/), userId: expect.stringMatching(/^usr_/), email: expect.stringMatching(/^o-/), name: null, joinedAt: expect.any(Date) });
  });
});
