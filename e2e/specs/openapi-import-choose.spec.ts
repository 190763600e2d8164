import { expect, test } from "@playwright/test";
import { open, screenshot, signUp, uniqueEmail } from "../support/helpers.ts";

/**
 * The OpenAPI import's chooser and tool preview, in Chromium: operations filtered by tag,
 * method and path, chosen all/none per filter or one by one; each generated tool previewed
 * (name, operation, description rendered as Markdown without its raw HTML, input schema);
 * applying writes only the chosen tools.
 */
test.describe.configure({ mode: "serial" });

const admin = { name: "Cleo Chooser", email: uniqueEmail("cleo"), password: "correct horse battery", organization: "Choosers Inc" };

const document = `openapi: 3.0.3
info: { title: Zoo API, version: '1' }
servers: [{ url: 'https://zoo.example.com/v1' }]
paths:
  /pets:
    get:
      tags: [pets]
      summary: List pets
      description: |
        # List pets

        Returns **every** pet, see [the guide](https://zoo.example.com/guide).

        - newest first
        - <img src="x" onerror="window.__injected = true">raw HTML is not rendered<script>window.__injected = true</script>
      parameters: [{ name: limit, in: query, schema: { type: integer, maximum: 100 } }]
      responses: { '200': { description: ok } }
    post:
      tags: [pets]
      summary: Create pet
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [name], properties: { name: { type: string } } } } } }
      responses: { '201': { description: created } }
  /pets/{petId}:
    parameters: [{ name: petId, in: path, required: true, schema: { type: string } }]
    delete:
      tags: [pets]
      summary: Delete pet
      responses: { '204': { description: gone } }
  /owners:
    get:
      tags: [owners]
      summary: List owners
      responses: { '200': { description: ok } }
  /owners/{ownerId}:
    parameters: [{ name: ownerId, in: path, required: true, schema: { type: string } }]
    delete:
      tags: [owners]
      summary: Delete owner
      responses: { '204': { description: gone } }
`;

test("choose operations by tag, method and path; preview each tool; apply only the chosen", async ({ page }) => {
  await signUp(page, admin);
  await page.getByLabel("Project name").fill(`Zoo ${Date.now() % 100000}`);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+$/);
  const slug = page.url().split("/projects/")[1]!;
  await open(page, `/projects/${slug}/tools/import`);
  await page.getByRole("tab", { name: "Paste" }).click();
  await page.getByLabel("OpenAPI document").fill(document);
  await page.getByRole("button", { name: "Preview import" }).click();

  const count = page.getByTestId("chosen-count");
  await expect(count).toHaveText("5 of 5 new or changed operations chosen");
  const row = (name: string) => page.locator(`li[data-tool="${name}"]`);

  await test.step("a tool's preview: name, operation, Markdown description without the repeated title or raw HTML, input schema", async () => {
    await page.getByRole("button", { name: "Preview list_pets" }).click();
    const tool = page.getByRole("region", { name: "Tool list_pets" });
    await expect(tool.getByText("GET /pets", { exact: true })).toBeVisible();
    await expect(tool.getByText("List pets", { exact: true })).toBeVisible(); // the title, once
    await expect(tool.locator("strong", { hasText: "every" })).toBeVisible();
    const link = tool.getByRole("link", { name: "the guide" });
    await expect(link).toHaveAttribute("href", "https://zoo.example.com/guide");
    await expect(link).toHaveAttribute("rel", /noopener/);
    await expect(tool.locator("li", { hasText: "newest first" })).toBeVisible();
    await expect(tool.getByText("raw HTML is not rendered")).toBeVisible();
    await expect(tool.locator("img, script")).toHaveCount(0);
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).toBeUndefined();
    // The description does not start with the title again.
    await expect(tool.locator("p").filter({ hasText: /^List pets$/ })).toHaveCount(0);
    await expect(tool.getByLabel("Input schema")).toContainText('"limit"');
    await expect(tool.getByLabel("Input schema")).toContainText('"maximum": 100');
    await screenshot(page, "openapi-import-tool-preview");
    await page.getByRole("button", { name: "Hide list_pets" }).click();
  });

  await test.step("filter by tag, then select none of the shown", async () => {
    await page.getByLabel("Tag").selectOption("owners");
    await expect(row("list_owners")).toBeVisible();
    await expect(row("list_pets")).toBeHidden();
    await page.getByRole("button", { name: "Select none of the 2 shown" }).click();
    await expect(count).toHaveText("3 of 5 new or changed operations chosen");
    await expect(page.getByRole("checkbox", { name: "Import list_owners" })).not.toBeChecked();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(row("list_pets")).toBeVisible();
  });

  await test.step("filter by method and path; select all of the shown; untick one by hand", async () => {
    await page.getByRole("button", { name: "DELETE", exact: true }).click();
    await expect(row("delete_pet")).toBeVisible();
    await expect(row("delete_owner")).toBeVisible();
    await expect(row("create_pet")).toBeHidden();
    await page.getByLabel("Path contains").fill("owner");
    await expect(row("delete_pet")).toBeHidden();
    await page.getByRole("button", { name: "Select all 1 shown" }).click();
    await expect(count).toHaveText("4 of 5 new or changed operations chosen"); // delete_owner is back
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("checkbox", { name: "Import create_pet" }).uncheck();
    await expect(count).toHaveText("3 of 5 new or changed operations chosen");
    await expect(page.getByText("Applying will add 3 tools. 2 operations not chosen are left as they are.")).toBeVisible();
    await screenshot(page, "openapi-import-choose");
  });

  await test.step("applying writes only the chosen tools", async () => {
    await page.getByRole("button", { name: "Apply import" }).click();
    await expect(page.getByRole("heading", { name: "Import applied" })).toBeVisible();
    await open(page, `/projects/${slug}/tools`);
    await expect(page.getByRole("link", { name: "list_pets", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "delete_owner", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "delete_pet", exact: true })).toBeVisible();
    for (const name of ["create_pet", "list_owners"]) await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
  });

  await test.step("a re-import offers only what is left, and leaves the imported tools alone", async () => {
    await open(page, `/projects/${slug}/tools/import`);
    await page.getByRole("tab", { name: "Paste" }).click();
    await page.getByLabel("OpenAPI document").fill(document);
    await page.getByRole("button", { name: "Preview import" }).click();
    await expect(count).toHaveText("2 of 2 new or changed operations chosen");
    await expect(row("create_pet")).toBeVisible();
  });
});
