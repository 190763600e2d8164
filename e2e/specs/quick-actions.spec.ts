import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials } from "../support/helpers.ts";

// People act faster than pages load: two filters picked within a second both apply, and a quick
// double ⌘/Ctrl+Enter in Try it makes one call, not two.

test.beforeEach(async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
});

test("two run filters picked in quick succession both end up in the URL", async ({ page }) => {
  await open(page, "/projects/demo/runs");
  const filters = page.getByRole("region", { name: "Filters" });
  // No waiting between the picks: the second comes before the first one's page arrives.
  await filters.getByLabel("Status", { exact: true }).selectOption("succeeded");
  await filters.getByLabel("Principal").selectOption("api_key");
  await expect(page).toHaveURL(/status=succeeded/);
  await expect(page).toHaveURL(/principal=api_key/);
  await expect(filters.getByLabel("Status", { exact: true })).toHaveValue("succeeded");
  await expect(filters.getByLabel("Principal")).toHaveValue("api_key");
});

test("a quick double ⌘/Ctrl+Enter in Try it makes one call", async ({ page }) => {
  const dashboardRuns = async () => {
    await open(page, "/projects/demo/runs?tool=list_companies&principal=dashboard");
    return page.locator("tr[data-run-id]").count();
  };
  const before = await dashboardRuns();

  await open(page, "/projects/demo/tools/list_companies");
  const args = page.getByLabel("Arguments (JSON)");
  await args.focus();
  await args.press("ControlOrMeta+Enter");
  await args.press("ControlOrMeta+Enter");
  const result = page.getByRole("region", { name: "Try it result" });
  await expect(result.getByText("Recorded as run")).toBeVisible();

  await expect.poll(dashboardRuns, { timeout: 10_000 }).toBe(before + 1);
  // and it stays one: nothing was still on its way
  await page.waitForTimeout(1_000);
  expect(await dashboardRuns()).toBe(before + 1);
});
