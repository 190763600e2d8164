import { expect, test } from "@playwright/test";
import { demoCredentials, hydrated, open, signIn, uniqueEmail } from "../support/helpers.ts";

// An admin invites someone by link; they open it in their own browser, choose a password and
// land in the organization with the invited role. The link works once.

test("an invitation link creates the account with the invited role, once", async ({ page, browser }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/org/members");
  const email = uniqueEmail("invited");
  const form = page.getByRole("form", { name: "Invite by link" });
  await form.getByLabel("Email to invite").fill(email);
  await form.getByLabel("Invited role").selectOption("viewer");
  await form.getByRole("button", { name: "Create invitation link" }).click();
  const link = (await page.getByTestId("invitation-link").textContent())!.trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9]+$/);
  await expect(page.getByRole("list", { name: "Open invitations" })).toContainText(email);

  // The invited person, in a browser of their own.
  const theirs = await browser.newContext();
  const invited = await theirs.newPage();
  await invited.goto(link);
  await hydrated(invited);
  await expect(invited.getByRole("heading", { name: /^Join / })).toBeVisible();
  await expect(invited.getByText(`You are invited as a viewer, with the email ${email}.`)).toBeVisible();
  await invited.getByLabel("Your name").fill("Invited Person");
  await invited.getByLabel("Choose a password").fill("short");
  await invited.getByRole("button", { name: "Join" }).click();
  await expect(invited.locator("#invite-password-error")).toContainText("at least 10 characters");
  await invited.getByLabel("Choose a password").fill("the invited person's password");
  await invited.getByRole("button", { name: "Join" }).click();
  await expect(invited).toHaveURL(/\/projects$/);
  await expect(invited.getByRole("link", { name: "Demo CRM" })).toBeVisible();
  await expect(invited.getByRole("button", { name: "Create project" })).toHaveCount(0);

  // The link is used up.
  await invited.goto(link);
  await expect(invited.getByText(/^This invitation was already used/)).toBeVisible();
  await theirs.close();

  await open(page, "/org/members");
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("viewer");
});
