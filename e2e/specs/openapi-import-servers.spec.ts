import { expect, type Page, test } from "@playwright/test";
import { open, screenshot, signUp, uniqueEmail } from "../support/helpers.ts";

/**
 * The OpenAPI import form's server fields, in Chromium: a pasted document with a relative server
 * asks for the base URL next to its field; a document whose server URL has `{variables}` gets one
 * field per variable (a list for an `enum`, starting at the default), and the preview's base URL
 * follows the values chosen; a variable without a default is asked for by name.
 */
test.describe.configure({ mode: "serial" });

const admin = { name: "Sam Servers", email: uniqueEmail("sam"), password: "correct horse battery", organization: "Server Vars Inc" };

const relative = `openapi: 3.0.3
info: { title: Relative API, version: '1' }
servers: [{ url: /v1 }]
paths:
  /ping:
    get: { summary: Ping, responses: { '200': { description: ok } } }
`;

const regional = `openapi: 3.0.3
info: { title: Regional API, version: '1' }
servers:
  - url: 'https://{region}.api.example.com/{version}'
    variables:
      region: { default: eu, enum: [eu, us, ap], description: Data region }
      version: { default: v2 }
paths:
  /orders:
    get: { summary: List orders, responses: { '200': { description: ok } } }
`;

const tenant = `openapi: 3.0.3
info: { title: Tenant API, version: '1' }
servers:
  - url: 'https://{tenant}.tenant.example.com'
    variables:
      tenant: { description: Your tenant name }
paths:
  /me:
    get: { summary: Who am I, responses: { '200': { description: ok } } }
`;

async function paste(page: Page, text: string) {
  await page.getByRole("tab", { name: "Paste" }).click();
  await page.getByLabel("OpenAPI document").fill(text);
}

test("server fields: a base URL for a relative server, one field per server variable", async ({ page }) => {
  await signUp(page, admin);
  await page.getByLabel("Project name").fill(`Servers ${Date.now() % 100000}`);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+$/);
  const slug = page.url().split("/projects/")[1]!;
  await open(page, `/projects/${slug}/tools/import`);

  await test.step("a pasted document with a relative server asks for the base URL", async () => {
    await paste(page, relative);
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(page.getByText("This document’s server URL is relative, and a pasted or uploaded document has no address to resolve it against: enter the API’s base URL.")).toBeVisible();
    await page.getByLabel("Base URL (optional)").fill("https://relative.example.com/v1");
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(page.getByText("https://relative.example.com/v1").first()).toBeVisible();
    await expect(page.getByText("ping").first()).toBeVisible();
    await page.getByRole("button", { name: "Back" }).click();
    await page.getByLabel("Base URL (optional)").fill("");
  });

  await test.step("server variables: defaults first, then the values chosen", async () => {
    await paste(page, regional);
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(page.getByText("https://eu.api.example.com/v2").first()).toBeVisible();
    await page.getByRole("button", { name: "Back" }).click();
    const region = page.getByLabel("{region}");
    await expect(region).toHaveValue("eu");
    await expect(region.locator("option")).toHaveText(["eu", "us", "ap"]);
    await expect(page.getByText("Data region · Default: eu")).toBeVisible();
    await expect(page.getByLabel("{version}")).toHaveValue("v2");
    await region.selectOption("us");
    await page.getByLabel("{version}").fill("v3");
    await screenshot(page, "openapi-import-server-variables");
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(page.getByText("https://us.api.example.com/v3").first()).toBeVisible();
    await page.getByRole("button", { name: "Apply import" }).click();
    await expect(page.getByRole("heading", { name: "Import applied" })).toBeVisible({ timeout: 60_000 });
    await page.getByRole("button", { name: "Import another document" }).click();
  });

  await test.step("a variable without a default is asked for by name", async () => {
    await paste(page, tenant);
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(page.getByText("The server URL https://{tenant}.tenant.example.com has a variable without a default (tenant): enter its value below (or a base URL)")).toBeVisible();
    const field = page.getByLabel("{tenant}");
    await expect(field).toHaveValue("");
    await expect(page.getByText("Your tenant name · No default: enter a value")).toBeHidden(); // the error is shown instead of the hint
    await field.fill("acme");
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(page.getByText("https://acme.tenant.example.com").first()).toBeVisible();
  });
});
