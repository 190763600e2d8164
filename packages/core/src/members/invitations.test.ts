import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../orgs/create-organization.ts";
import { authenticateUser } from "../users/authenticate-user.ts";
import { signUp } from "../users/sign-up.ts";
import { acceptInvitation, createInvitation, INVITATION_TTL_MS, listOpenInvitations, readInvitation, revokeInvitation } from "./invitations.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase("invitations");
});
afterAll(() => database?.drop());

describe("invitations by link", () => {
  it("a new person sets a password once and joins with the invited role; the link then stops working", async () => {
    const { db } = database;
    const org = await createOrganization(db, { name: "Inv" });
    const { invitation, token } = await createInvitation(db, org.id, { role: "admin" }, { email: "New@Inv.example", role: "member" });
    expect(invitation).toMatchObject({ email: "new@inv.example", role: "member" });
    expect(JSON.stringify(await db.invitation.findMany())).not.toContain(token);
    expect(await readInvitation(db, token)).toMatchObject({ state: "open", email: "new@inv.example", hasAccount: false, org: { id: org.id } });
    expect((await listOpenInvitations(db, org.id)).map((i) => i.email)).toEqual(["new@inv.example"]);

    await expect(acceptInvitation(db, token, { newAccount: { password: "short" } })).rejects.toThrow("the password: use at least 10 characters");
    const accepted = await acceptInvitation(db, token, { newAccount: { name: "Newcomer", password: "a long enough password" } });
    expect((await db.membership.findFirstOrThrow({ where: { orgId: org.id, userId: accepted.userId } })).role).toBe("member");
    expect((await authenticateUser(db, "new@inv.example", "a long enough password")).ok).toBe(true);
    await expect(acceptInvitation(db, token, { newAccount: { password: "another long password" } })).rejects.toThrow("this invitation was accepted");
    expect(await listOpenInvitations(db, org.id)).toEqual([]);
    expect(await readInvitation(db, "not-a-token")).toEqual({ state: "unknown" });
  });

  it("an existing account accepts only when signed in as that email; admins cannot invite owners; revoked and expired links fail", async () => {
    const { db } = database;
    const signed = await signUp(db, { email: "pat@elsewhere.example", password: "pat's long password", name: "Pat", organization: "Elsewhere" });
    if (!signed.created) throw new Error("expected an account");
    const org = await createOrganization(db, { name: "Inv2" });
    await expect(createInvitation(db, org.id, { role: "admin" }, { email: "boss@inv2.example", role: "owner" })).rejects.toMatchObject({ code: "forbidden" });
    const { token } = await createInvitation(db, org.id, { role: "owner" }, { email: "pat@elsewhere.example", role: "viewer" });
    expect(await readInvitation(db, token)).toMatchObject({ state: "open", hasAccount: true });
    await expect(acceptInvitation(db, token, { newAccount: { password: "a long enough password" } })).rejects.toThrow("already has an account: sign in");
    const other = await signUp(db, { email: "mallory@elsewhere.example", password: "mallory's long password", name: "M", organization: "M" });
    if (!other.created) throw new Error("expected an account");
    await expect(acceptInvitation(db, token, { signedInUserId: other.user.id })).rejects.toThrow("this invitation is for pat@elsewhere.example");
    await acceptInvitation(db, token, { signedInUserId: signed.user.id });
    expect((await db.membership.findFirstOrThrow({ where: { orgId: org.id, userId: signed.user.id } })).role).toBe("viewer");
    await expect(createInvitation(db, org.id, { role: "owner" }, { email: "pat@elsewhere.example", role: "member" })).rejects.toThrow("already a member");

    const revoked = await createInvitation(db, org.id, { role: "owner" }, { email: "gone@inv2.example", role: "member" });
    await revokeInvitation(db, org.id, revoked.invitation.id);
    expect(await readInvitation(db, revoked.token)).toMatchObject({ state: "revoked" });
    const late = await createInvitation(db, org.id, { role: "owner" }, { email: "late@inv2.example", role: "member" }, new Date(Date.now() - INVITATION_TTL_MS - 1000));
    await expect(acceptInvitation(db, late.token, { newAccount: { password: "a long enough password" } })).rejects.toThrow("not accepted in time");
  });
});
