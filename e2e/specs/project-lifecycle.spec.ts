import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials } from "../support/helpers.ts";

// An admin deletes a project from its settings: the slug must be typed; the project and its
// pages are gone, and the audit log keeps the record.

test("an admin deletes a project after typing its slug; the audit log keeps the record", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  const slug = `doomed-${Date.now()}`;
  await open(page, "/projects");
  await page.getByLabel("Project name").fill("Doomed project");
  await page.getByLabel("Slug (optional)").fill(slug);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}`));

  await open(page, `/projects/${slug}/settings`);
  const form = page.getByRole("form", { name: "Delete project" });
  const button = form.getByRole("button", { name: "Delete this project" });
  await expect(button).toBeDisabled();
  await form.getByLabel(`Type ${slug} to confirm`).fill("doomed");
  await expect(button).toBeDisabled();
  await form.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await button.click();
  await expect(page).toHaveURL(/\/projects\?deleted=/);
  await expect(page.getByRole("link", { name: "Doomed project" })).toHaveCount(0);

  const gone = await open(page, `/projects/${slug}/tools`);
  expect(gone?.status()).toBe(404);
  await open(page, "/org/audit?action=project.delete");
  await expect(page.getByRole("row").filter({ hasText: slug })).toHaveCount(1);
});

test("on a phone, the top bar's links are behind one Menu button", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await page.locator("summary", { hasText: "Menu" }).click();
  const menu = page.getByRole("navigation", { name: "Menu" });
  await expect(menu.getByRole("link", { name: "Audit log" })).toBeVisible();
  await menu.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/org\/audit$/);
  await expect(menu).toBeHidden();
});
