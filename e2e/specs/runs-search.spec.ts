import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials, callDemoTool } from "../support/helpers.ts";

// Runs as a product: an admin finds a run by text in its arguments, narrows by HTTP status,
// exports the filtered set, copies a run as curl and opens it in Try it with its arguments.

test("search, filter by HTTP status, export, copy as curl and reopen in Try it", async ({ page, context }) => {
  const marker = `Searchable ${Date.now()}`;
  const found = String((await callDemoTool("create_company", { body: { name: marker, domain: "search.example", industry: "Testing" } }))._meta?.["tengine/runId"]);
  const missing = String((await callDemoTool("get_company", { pathParams: { id: "no-such-company-id" } }))._meta?.["tengine/runId"]);

  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/runs");
  const filters = page.getByRole("region", { name: "Filters" });
  await filters.getByRole("searchbox", { name: "Search" }).fill(marker.toLowerCase());
  await filters.getByRole("searchbox", { name: "Search" }).press("Enter");
  await expect(page).toHaveURL(/q=searchable/);
  await expect(page.locator("tr[data-run-id]")).toHaveCount(1);
  await expect(page.locator(`tr[data-run-id="${found}"]`)).toBeVisible();

  await open(page, "/projects/demo/runs?tool=get_company");
  await page.getByRole("region", { name: "Filters" }).getByLabel("HTTP status").selectOption("4xx");
  await expect(page).toHaveURL(/http=4xx/);
  await expect(page.locator(`tr[data-run-id="${missing}"]`)).toBeVisible();
  await expect(page.locator("tr[data-run-id]").filter({ hasNotText: /40\d/ })).toHaveCount(0);

  // The export holds exactly the filtered runs.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(csv[0]).toMatch(/^id,toolId,toolName,status,/);
  expect(csv.slice(1).every((line) => line.includes(",get_company,"))).toBe(true);
  expect(csv.some((line) => line.startsWith(`${missing},`))).toBe(true);
  const json = await page.request.get(`/api/projects/demo/runs/export?format=json&tool=get_company&http=4xx`);
  expect(json.status()).toBe(200);
  expect(((await json.json()) as Array<{ id: string }>).map((r) => r.id)).toContain(missing);

  // A run page: copy as curl, then open in Try it with the same arguments.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await open(page, `/projects/demo/runs/${found}`);
  await page.getByRole("button", { name: "Copy as curl" }).click();
  const copied = String(await page.evaluate("navigator.clipboard.readText()"));
  expect(copied).toMatch(/^curl -X POST '.+\/companies'/);
  expect(copied).toContain(marker);
  await page.getByRole("link", { name: "Open in Try it" }).click();
  await expect(page).toHaveURL(/\/tools\/create_company\?args=/);
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue(new RegExp(marker));
});

test("the runs search is also a plain GET form: sent before the page hydrates, it keeps the other filters", async ({ page }) => {
  const marker = `Plainform ${Date.now()}`;
  const found = String((await callDemoTool("create_company", { body: { name: marker, domain: "plain.example", industry: "Testing" } }))._meta?.["tengine/runId"]);
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/runs?tool=create_company");
  // What the browser does with Enter before React handles the form: a native submit, which
  // skips React's onSubmit exactly as an unhydrated form has none.
  type PlainForm = { querySelector(selector: string): { value: string } | null; submit(): void };
  await page.getByRole("search", { name: "Search runs" }).evaluate((form, text) => {
    const plain = form as unknown as PlainForm;
    plain.querySelector('input[name="q"]')!.value = text;
    plain.submit();
  }, marker.toLowerCase());
  await expect(page).toHaveURL(/[?&]q=plainform\+\d+/);
  await expect(page).toHaveURL(/[?&]tool=create_company(&|$)/);
  await expect(page.locator(`tr[data-run-id="${found}"]`)).toBeVisible();
  await expect(page.locator("tr[data-run-id]")).toHaveCount(1);
});
