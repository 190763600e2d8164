import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials, callDemoTool } from "../support/helpers.ts";

// Pages people keep open update by themselves: a call made while the runs list is open appears
// in it without a reload. (The approvals queue is covered in approvals.spec.ts.)

test("a call made while the runs list is open appears in it without a reload", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/runs?tool=list_companies");
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // A mark on this document: a reload would start a new one without it.
  await page.evaluate("window.__sameDocument = true");

  const runId = String((await callDemoTool("list_companies"))._meta?.["tengine/runId"]);
  // polling slows to one check every 10 s while nothing changes: allow for a slow one
  await expect(page.locator(`tr[data-run-id="${runId}"]`)).toBeVisible({ timeout: 30_000 });
  // the page re-rendered in place: no reload
  expect(await page.evaluate("window.__sameDocument === true")).toBe(true);
});

test("the pulse is for members of the project's organization only", async ({ request }) => {
  const response = await request.get("/api/projects/demo/pulse");
  expect(response.status()).toBe(401);
});
