import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { open, signIn } from "../support/helpers.ts";

// Pages people keep open update by themselves: a call made while the runs list is open appears
// in it without a reload. (The approvals queue is covered in approvals.spec.ts.)

const credentials = () => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as { adminEmail: string; adminPassword: string; apiKey: string };

async function callTool(name: string) {
  const res = await fetch(`${urls.gateway}/p/demo/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${credentials().apiKey}`, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } }),
  });
  const body = (await res.json()) as { result: { _meta?: Record<string, unknown> } };
  return String(body.result._meta?.["tengine/runId"]);
}

test("a call made while the runs list is open appears in it without a reload", async ({ page }) => {
  const { adminEmail, adminPassword } = credentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/runs?tool=list_companies");
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // A mark on this document: a reload would start a new one without it.
  await page.evaluate("window.__sameDocument = true");

  const runId = await callTool("list_companies");
  await expect(page.locator(`tr[data-run-id="${runId}"]`)).toBeVisible();
  // the page re-rendered in place: no reload
  expect(await page.evaluate("window.__sameDocument === true")).toBe(true);
});

test("the pulse is for members of the project's organization only", async ({ request }) => {
  const response = await request.get("/api/projects/demo/pulse");
  expect(response.status()).toBe(401);
});
