import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials, callDemoTool } from "../support/helpers.ts";

// The tools list carries each tool's numbers: a week of calls, its error rate, p95 and when it
// was last called; a tool nobody called says so.

test("each tool shows its calls, error rate, p95 and last call", async ({ page }) => {
  expect((await callDemoTool("list_companies")).isError).toBeFalsy();

  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/tools");
  const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "list_companies", exact: true }) });
  const numbers = row.getByLabel("Last 7 days").first();
  await expect(numbers).toContainText(/\d+ calls? · 7 d/);
  await expect(numbers).toContainText(/% errors/);
  await expect(numbers).toContainText(/p95 \d+ ms/);
  await expect(numbers).toContainText(/ · last \S/);

  // The tool's own page charts its week.
  await row.getByRole("link", { name: "list_companies", exact: true }).click();
  const usage = page.locator("section").filter({ has: page.getByRole("heading", { name: "Usage, last 7 days" }) });
  await expect(usage.getByLabel("Tool usage")).toBeVisible();
  await expect(usage.getByRole("link", { name: "Its runs →" })).toHaveAttribute("href", "/projects/demo/runs?tool=list_companies");
});
