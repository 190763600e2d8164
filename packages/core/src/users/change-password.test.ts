import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../members/add-member.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { authenticateUser } from "./authenticate-user.ts";
import { changePassword } from "./change-password.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase("change_password");
});
afterAll(() => database?.drop());

describe("changePassword", () => {
  it("a member added with a temporary password must change it; the new one signs in, the old one no longer does", async () => {
    const { db } = database;
    const org = await createOrganization(db, { name: "Pw" });
    const added = await addMember(db, org.id, "owner", { email: "new@pw.example", role: "member" });
    const user = await db.user.findUniqueOrThrow({ where: { email: "new@pw.example" } });
    expect(user.mustChangePassword).toBe(true);
    const temporary = added.temporaryPassword!;

    await expect(changePassword(db, user.id, { currentPassword: "not the password", newPassword: "a brand new password" })).rejects.toThrow("the current password is not right");
    await expect(changePassword(db, user.id, { currentPassword: temporary, newPassword: "short" })).rejects.toThrow("the new password: use at least 10 characters");
    await expect(changePassword(db, user.id, { currentPassword: temporary, newPassword: temporary })).rejects.toThrow("choose a new password other than the current one");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(true);

    await changePassword(db, user.id, { currentPassword: temporary, newPassword: "a brand new password" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(false);
    expect((await authenticateUser(db, "new@pw.example", "a brand new password")).ok).toBe(true);
    expect((await authenticateUser(db, "new@pw.example", temporary)).ok).toBe(false);
  });
});
