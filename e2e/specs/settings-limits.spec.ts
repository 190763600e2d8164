import { expect, type Page, test } from "@playwright/test";
import { screenshot, signIn, open, reload, demoCredentials, callDemoTool } from "../support/helpers.ts";

// An admin sets a per-tool limit of 2 calls a minute on the demo project in the dashboard; the
// third call through the gateway (the demo API key, plain MCP over fetch) is refused with a
// tool error naming when to retry. Bad input is refused with the field's error and the typed
// values stay. The limits are removed again at the end (the demo project is shared by specs).

/** A call that must succeed; fails with the tool's own message otherwise. */
async function expectServed(name: string) {
  const result = await callDemoTool(name, {});
  expect(result.isError, result.text).toBeFalsy();
  return result;
}

const limitsForm = (page: Page) => page.getByRole("form", { name: "Rate limits" });

async function clearLimits(page: Page) {
  await open(page, "/projects/demo/settings");
  const form = limitsForm(page);
  for (const field of ["#limit-project-max", "#limit-project-window", "#limit-principal-max", "#limit-principal-window", "#limit-tool-max", "#limit-tool-window"]) await form.locator(field).fill("");
  await form.getByRole("button", { name: "Save rate limits" }).click();
  await expect(form.getByRole("status")).toHaveText(/Rate limits removed|Nothing changed/);
}

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, demoCredentials().adminEmail, demoCredentials().adminPassword);
  await clearLimits(page);
  await page.close();
});

test("an admin limits a tool to 2 calls a minute and the third call is refused with a retry time", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/settings");
  const form = limitsForm(page);
  await expect(page.getByRole("heading", { name: "Rate limits" })).toBeVisible();

  // Bad input: a word for the number of calls, a window of zero. Nothing is saved, the
  // typed values stay, each error sits under its field.
  await form.locator("#limit-tool-max").fill("two");
  await form.locator("#limit-tool-window").fill("0");
  await form.getByRole("button", { name: "Save rate limits" }).click();
  await expect(form.getByRole("alert").first()).toHaveText("Check the highlighted limits: nothing was saved.");
  await expect(form.locator("#limit-tool-max-error")).toHaveText('"two" is not a whole number');
  await expect(form.locator("#limit-tool-window-error")).toHaveText("the window must be at least 1");
  await expect(form.locator("#limit-tool-max")).toHaveValue("two");
  await expect(form.locator("#limit-tool-window")).toHaveValue("0");
  // Only one half of a limit given.
  await form.locator("#limit-tool-max").fill("2");
  await form.locator("#limit-tool-window").fill("");
  await form.getByRole("button", { name: "Save rate limits" }).click();
  await expect(form.locator("#limit-tool-window-error")).toContainText("enter the window in seconds");

  // Still unlimited: the gateway serves calls as before.
  await expectServed("list_companies");

  await form.locator("#limit-tool-window").fill("60");
  await form.getByLabel(/Refuse calls \(fail closed\)/).check();
  await form.getByRole("button", { name: "Save rate limits" }).click();
  await expect(form.getByRole("status")).toHaveText("Rate limits saved. Gateways apply them from the next call.");
  await reload(page);
  await expect(limitsForm(page).locator("#limit-tool-max")).toHaveValue("2");
  await expect(limitsForm(page).locator("#limit-tool-window")).toHaveValue("60");
  await expect(limitsForm(page).getByLabel(/Refuse calls \(fail closed\)/)).toBeChecked();
  await screenshot(page, "settings-rate-limits");

  const first = await callDemoTool("list_companies", {});
  const second = await callDemoTool("list_companies", {});
  const third = await callDemoTool("list_companies", {});
  expect(first.isError, first.text).toBeFalsy();
  expect(second.isError, second.text).toBeFalsy();
  expect(third.isError).toBe(true);
  expect(third.text).toMatch(/^Rate limit exceeded for this tool: retry in (5\d|60) s$/);
  expect(third._meta?.["tengine/retryAfterMs"]).toBeGreaterThan(50_000);
  // Per tool: another tool is not affected.
  await expectServed("search_contacts");

  // The refused call is a rate-limited run in the history; the two served ones are not.
  await open(page, `/projects/demo/runs?status=rate_limited`);
  const runRow = (result: { _meta?: Record<string, unknown> }) => page.locator(`tr[data-run-id="${String(result._meta?.["tengine/runId"])}"]`);
  await expect(runRow(third)).toContainText("Rate limited");
  await expect(runRow(third).getByRole("cell", { name: "list_companies" })).toBeVisible();
  await expect(runRow(first)).toHaveCount(0);
  await expect(runRow(second)).toHaveCount(0);

  // Removing the limit lets the tool through again.
  await clearLimits(page);
  await expectServed("list_companies");
});

test("an admin sets how long runs are kept; out-of-range values are refused", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/settings");
  const form = page.getByRole("form", { name: "Run retention" });
  const days = form.getByLabel("Run retention (days)");
  await expect(days).toHaveValue("30");

  await days.fill("0");
  await form.getByRole("button", { name: "Save retention" }).click();
  await expect(form.locator("#run-retention-days-error")).toHaveText("keep runs between 1 and 3650 days");
  await expect(days).toHaveValue("0");
  // Editing the value hides the error that described the old one.
  await days.fill("forever");
  await expect(form.locator("#run-retention-days-error")).toHaveCount(0);
  await expect(days).not.toHaveAttribute("aria-invalid", "true");
  await form.getByRole("button", { name: "Save retention" }).click();
  await expect(form.locator("#run-retention-days-error")).toHaveText('"forever" is not a whole number of days');

  await days.fill("90");
  await form.getByRole("button", { name: "Save retention" }).click();
  await expect(form.getByRole("status")).toHaveText("Runs are kept for 90 days.");
  await reload(page);
  await expect(page.getByRole("form", { name: "Run retention" }).getByLabel("Run retention (days)")).toHaveValue("90");

  // Both changes are in the organization's audit log.
  await open(page, "/org/audit");
  await expect(page.getByText("project.run_retention_set").first()).toBeVisible();
  await expect(page.getByText("project.rate_limits_set").first()).toBeVisible();

  // Back to the demo's 30 days: the demo project is shared by the specs.
  await open(page, "/projects/demo/settings");
  const again = page.getByRole("form", { name: "Run retention" });
  await again.getByLabel("Run retention (days)").fill("30");
  await again.getByRole("button", { name: "Save retention" }).click();
  await expect(again.getByRole("status")).toHaveText("Runs are kept for 30 days.");
});
