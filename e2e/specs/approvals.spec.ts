import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { mcpClient, screenshot, signIn } from "../support/helpers.ts";

// Human approval end to end (issue 6): an admin sets the demo project's approval policy to
// "all tools that are not read-only" in the dashboard; an AI client (the official MCP SDK
// client, with the demo API key) calls create_company and waits; the admin approves it on the
// approvals page; the worker inside `npm start` sends it, and the waiting call returns the
// demo CRM's answer. The policy is set back at the end (the demo project is shared by specs).

const credentials = () => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as { adminEmail: string; adminPassword: string; apiKey: string; demoCrmUrl: string };

async function setPolicy(page: Page, label: RegExp, saved: string) {
  await page.goto("/projects/demo/approvals");
  const form = page.getByRole("form", { name: "Approval policy" });
  await form.getByRole("radio", { name: label }).check();
  const save = form.getByRole("button", { name: "Save policy" });
  if (await save.isEnabled()) {
    await save.click();
    await expect(form.getByRole("status")).toHaveText(saved);
  }
}

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, credentials().adminEmail, credentials().adminPassword);
  await setPolicy(page, /Only tools marked/, "Approval policy saved: none");
  await page.close();
});

test("a call that needs approval waits, is approved in the dashboard, and returns the upstream result", async ({ page }) => {
  const { adminEmail, adminPassword, apiKey, demoCrmUrl } = credentials();
  await signIn(page, adminEmail, adminPassword);
  await setPolicy(page, /All tools that are not read-only/, "Approval policy saved: non_read_only");

  const client = await mcpClient(`${urls.gateway}/p/demo/mcp`, apiKey);
  // Read-only tools still go straight through. (The demo tools are imported from OpenAPI:
  // arguments are { pathParams, query, body }.)
  const listed = await client.callTool({ name: "list_companies", arguments: {} });
  expect(listed.isError).toBeFalsy();

  const started = Date.now();
  const call = client.callTool({ name: "create_company", arguments: { body: { name: "Approved Industries", domain: "approved.example", industry: "Testing" } } });

  // The call shows up in the queue (with a count in the project nav).
  const decide = page.getByRole("form", { name: "Decide on create_company" });
  await expect(async () => {
    await page.reload();
    await expect(decide).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("link", { name: /Approvals\s*1/ })).toBeVisible();
  const item = page.getByRole("listitem").filter({ has: decide });
  await expect(item.getByText(`${demoCrmUrl}/companies`)).toBeVisible();
  await expect(item.getByLabel("Arguments")).toContainText('"Approved Industries"');
  await expect(item.getByText("Demo key")).toBeVisible();
  await screenshot(page, "approvals-pending");

  await decide.getByLabel("Reason (optional)").fill("Checked with sales");
  await decide.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Approved: run run_/ })).toBeVisible();

  // The waiting call returns the demo CRM's answer, well inside the 25 s the gateway waits.
  const result = (await call) as { isError?: boolean; structuredContent?: Record<string, unknown>; _meta?: Record<string, unknown> };
  await client.close();
  expect(result.isError).toBeFalsy();
  expect(result._meta?.["tengine/pendingApproval"]).toBeUndefined();
  expect(result.structuredContent).toMatchObject({ name: "Approved Industries", domain: "approved.example" });
  expect(Date.now() - started).toBeLessThan(25_000);

  // The decision is listed with its reason, and the run succeeded.
  await page.reload();
  const decided = page.getByRole("row").filter({ hasText: "Checked with sales" });
  await expect(decided).toContainText("create_company");
  await expect(decided).toContainText("approved");
  await expect(decided).toContainText(adminEmail);
  await expect(decided).toContainText("succeeded");
  await screenshot(page, "approvals-decided");
});
