import { expect, test } from "@playwright/test";
import { open, screenshot, signUp, uniqueEmail } from "../support/helpers.ts";

/**
 * The audit log names people and things and links to them (no ids), and an update shows each
 * changed field before and after.
 */
const admin = { name: "Avery Audit", email: uniqueEmail("avery"), password: "correct horse battery", organization: "Audit Names Inc" };

test("audit entries: actor email, target names linking to their pages, before → after for an update", async ({ page }) => {
  await signUp(page, admin);
  await page.getByLabel("Project name").fill(`Audit Shop ${Date.now() % 100000}`);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+$/);
  const slug = page.url().split("/projects/")[1]!;

  await open(page, `/projects/${slug}/tools/new`);
  await page.getByLabel("Tool name").fill("find_orders");
  await page.getByLabel("Description").fill("Finds orders.");
  await page.getByLabel("URL template").fill("https://api.example.com/orders");
  await page.getByRole("button", { name: "Create tool" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}/tools/find_orders(\\?.*)?$`));
  await open(page, `/projects/${slug}/tools/find_orders`);
  await page.getByLabel("Description").fill("Finds orders by customer.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/Saved: description/)).toBeVisible();

  await open(page, `/projects/${slug}/keys`);
  await page.getByLabel("Name").fill("Audit key");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key")).toBeVisible();

  await open(page, "/org/audit");
  const update = page.locator("tr", { has: page.getByText("tool.update", { exact: true }) });
  await expect(update).toHaveCount(1);
  await expect(update.getByText(admin.email)).toBeVisible();
  const toolLink = update.getByRole("link", { name: "find_orders" });
  await expect(toolLink).toHaveAttribute("href", `/projects/${slug}/tools/find_orders`);
  const changes = update.getByRole("list", { name: "Changes" });
  await expect(changes).toContainText("description");
  await expect(changes.getByText("Finds orders.", { exact: true })).toBeVisible();
  await expect(changes.getByText("Finds orders by customer.", { exact: true })).toBeVisible();
  // No raw ids where a name exists.
  await expect(update.getByText(/\btool_[0-9A-Za-z]{10,}/)).toHaveCount(0);

  const keyRow = page.locator("tr", { has: page.getByText("api_key.create", { exact: true }) });
  await expect(keyRow.getByRole("link", { name: "Audit key" })).toHaveAttribute("href", `/projects/${slug}/keys`);
  await screenshot(page, "audit-names-and-diffs");

  await toolLink.click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}/tools/find_orders$`));
});
