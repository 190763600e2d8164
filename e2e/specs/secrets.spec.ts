import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials } from "../support/helpers.ts";

// An admin manages the values tool headers use as {{secrets.NAME}} in the dashboard: sets one,
// sees which tools use each, rotates it, and deletes it. A value is never shown again.

test("an admin sets, rotates and deletes a template secret; its value never comes back", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo");
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page).toHaveURL(/\/projects\/demo\/secrets$/);

  const form = page.getByRole("form", { name: "Set a secret" });
  await form.getByLabel("Name").fill("bad name");
  await form.getByLabel("Value").fill("short");
  await form.getByRole("button", { name: "Save secret" }).click();
  await expect(form.locator("#secret-name-error")).toContainText("letters, digits, dashes or underscores");
  await expect(form.locator("#secret-value-error")).toContainText("At least 8 characters");

  // A name of this run only: the audit log keeps earlier runs' entries.
  const name = `E2E_PARTNER_TOKEN_${Date.now()}`;
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Value").fill("first-partner-value");
  await form.getByRole("button", { name: "Save secret" }).click();
  await expect(form.getByRole("status")).toHaveText(`${name} saved`);
  await expect(form.getByLabel("Value")).toHaveValue("");
  const row = page.locator(`tr[data-secret="${name}"]`);
  await expect(row).toContainText("no tool");

  await row.getByRole("button", { name: `Rotate ${name}` }).click();
  const rotate = page.getByRole("form", { name: "Set a secret" });
  await expect(rotate.getByLabel("Name")).toHaveValue(name);
  await expect(rotate.getByLabel("Value")).toBeFocused();
  await rotate.getByLabel("Value").fill("second-partner-value");
  await rotate.getByRole("button", { name: "Save secret" }).click();
  await expect(rotate.getByRole("status")).toHaveText(`${name} rotated: calls use the new value from now on`);

  // Neither value is anywhere in the page, even after a reload.
  await open(page, "/projects/demo/secrets");
  const html = await page.content();
  expect(html).not.toContain("first-partner-value");
  expect(html).not.toContain("second-partner-value");

  await page.locator(`tr[data-secret="${name}"]`).getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete secret" }).click();
  await expect(page.locator(`tr[data-secret="${name}"]`)).toHaveCount(0);

  // The audit log, filtered to secrets by the admin, and its export.
  await open(page, "/org/audit");
  const filters = page.getByRole("form", { name: "Filter the audit log" });
  await filters.getByLabel("Action").fill("secret.*");
  await filters.getByLabel("Who (email)").fill(adminEmail);
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=secret\.\*/);
  const rows = page.getByRole("row").filter({ hasText: name });
  await expect(rows.filter({ hasText: "secret.rotate" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "secret.delete" })).toHaveCount(1);
  await expect(page.getByRole("row").filter({ hasText: "project.rate_limits_set" })).toHaveCount(0);
  const download = page.waitForEvent("download");
  await filters.getByRole("link", { name: "Export CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(lines[0]).toBe("id,createdAt,actor,actorEmail,action,project,targetType,target,targetId,details");
  expect(lines.slice(1).every((line) => line.includes(",secret."))).toBe(true);
  expect(lines.some((line) => line.includes("secret.delete") && line.includes(name))).toBe(true);
});
