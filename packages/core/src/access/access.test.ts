import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids/new-id.ts";
import { createProject } from "../projects/create-project.ts";
import { authenticateUser, SIGN_IN_LIMITS } from "../users/authenticate-user.ts";
import { signUp as signUpOrNothing } from "../users/sign-up.ts";

/** Sign-up of a new email, which must create the account. */
async function signUp(...args: Parameters<typeof signUpOrNothing>) {
  const result = await signUpOrNothing(...args);
  if (!result.created) throw new Error("expected a new account");
  return result;
}
import { getOrgForUser, getProjectForUser, listOrgsForUser } from "./project-access.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase("access");
});
afterAll(() => database?.drop());

describe("sign-up and sign-in", () => {
  it("creates a user owning a new organization, and creates nothing for an email that has an account", async () => {
    const { user, org } = await signUp(database.db, { email: "Owner@Example.com", password: "a long enough password", organization: "Owner Co" });
    expect(user.email).toBe("owner@example.com");
    expect(await listOrgsForUser(database.db, user.id)).toEqual([{ id: org.id, name: "Owner Co", slug: "owner-co", role: "owner" }]);
    expect(await signUpOrNothing(database.db, { email: "owner@example.com", password: "another long password", organization: "X" })).toEqual({ created: false });
    expect(await listOrgsForUser(database.db, user.id)).toHaveLength(1);
    await expect(signUp(database.db, { email: "short@example.com", password: "short", organization: "X" })).rejects.toThrow();
  });

  it("signs in with the right password and rate-limits failures per email", async () => {
    await signUp(database.db, { email: "rl@example.com", password: "the right password", organization: "RL" });
    expect(await authenticateUser(database.db, "RL@example.com", "the right password")).toMatchObject({ ok: true, user: { email: "rl@example.com" } });
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) expect(await authenticateUser(database.db, "rl@example.com", "wrong", { ip: "10.0.0.1" })).toEqual({ ok: false, reason: "invalid" });
    // Past the limit even the right password is refused until the window passes.
    expect(await authenticateUser(database.db, "rl@example.com", "the right password")).toEqual({ ok: false, reason: "rate_limited" });
    const later = new Date(Date.now() + SIGN_IN_LIMITS.windowMs + 1000);
    expect(await authenticateUser(database.db, "rl@example.com", "the right password", { now: later })).toMatchObject({ ok: true });
  });

  it("gives an unknown email the same answer as a wrong password", async () => {
    expect(await authenticateUser(database.db, "nobody@example.com", "whatever")).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("project access", () => {
  it("is not_found for another organization and forbidden below the needed role", async () => {
    const a = await signUp(database.db, { email: "a@example.com", password: "password of a", organization: "A" });
    const b = await signUp(database.db, { email: "b@example.com", password: "password of b", organization: "B" });
    const project = await createProject(database.db, { orgId: a.org.id, name: "A project" });
    expect((await getProjectForUser(database.db, a.user.id, project.slug, "owner")).role).toBe("owner");
    await expect(getProjectForUser(database.db, b.user.id, project.slug)).rejects.toMatchObject({ code: "not_found" });
    await expect(getOrgForUser(database.db, b.user.id, a.org.slug)).rejects.toMatchObject({ code: "not_found" });
    // b joins a's organization as a viewer: may read, may not act.
    await database.db.membership.create({ data: { id: newId("membership"), orgId: a.org.id, userId: b.user.id, role: "viewer" } });
    expect((await getProjectForUser(database.db, b.user.id, project.slug)).role).toBe("viewer");
    await expect(getProjectForUser(database.db, b.user.id, project.slug, "member")).rejects.toMatchObject({ code: "forbidden" });
    await expect(getOrgForUser(database.db, b.user.id, a.org.slug, "admin")).rejects.toMatchObject({ code: "forbidden" });
  });
});
