import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials } from "../support/helpers.ts";

// The tool editor never loses work and says everything that is wrong at once, in plain words.
// Nothing here is saved: every attempt is refused, so the shared demo tool stays as it was.

test.beforeEach(async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/tools/list_companies");
});

test("leaving through an in-app link with unsaved edits asks first, and staying keeps them", async ({ page }) => {
  const description = page.getByLabel("Description");
  await description.fill("An edit that must not be lost");

  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole("link", { name: "← Tools" }).click();
  expect(asked).toContain("unsaved changes");
  await expect(page).toHaveURL(/\/tools\/list_companies$/);
  await expect(description).toHaveValue("An edit that must not be lost");

  // a project tab too; this time the admin confirms and leaves
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await expect(page).toHaveURL(/\/projects\/demo\/runs$/);
});

test("every problem of a definition is reported at once, in plain words", async ({ page }) => {
  await page.getByLabel("Tool name").fill("bad name");
  await page.getByLabel("Description").fill("");
  const url = page.getByLabel("URL template");
  await url.fill(`${await url.inputValue()}/{{input.idd}}`);
  await page.getByRole("button", { name: "Save changes" }).click();

  await expect(page.locator("#tool-name-error")).toContainText("1 to 64 letters, digits, dots, dashes or underscores");
  await expect(page.locator("#tool-description-error")).toContainText("required");
  await expect(page.locator("#tool-url-error")).toContainText('{{input.idd}} uses "idd", which the input schema does not define');
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(page.getByText(/\^\[A-Za-z0-9/)).toHaveCount(0);
});

test("a schema the live check marks invalid is not sent", async ({ page }) => {
  const schema = page.getByLabel("Input schema (JSON)");
  await schema.fill('{"type": "object", "properties": {"a": {"type": "nope"}}}');
  await expect(page.getByText(/Not a valid JSON Schema/).first()).toBeVisible();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator("#tool-input-schema-error")).toContainText("Not a valid JSON Schema");
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(page.getByText(/Saved/)).toHaveCount(0);
});
