import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { open, signIn } from "../support/helpers.ts";

// The tools list carries each tool's numbers: a week of calls, its error rate, p95 and when it
// was last called; a tool nobody called says so.

const credentials = () => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as { adminEmail: string; adminPassword: string; apiKey: string };

test("each tool shows its calls, error rate, p95 and last call", async ({ page }) => {
  const res = await fetch(`${urls.gateway}/p/demo/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${credentials().apiKey}`, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "list_companies", arguments: {} } }),
  });
  expect(res.status).toBe(200);

  const { adminEmail, adminPassword } = credentials();
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
