import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { signIn } from "../support/helpers.ts";

test("the admin npm start prints signs in and finds the demo project", async ({ page }) => {
  // npm start prints these; they are kept in the run's data directory.
  const credentials = JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
  await signIn(page, credentials.adminEmail, credentials.adminPassword);
  await expect(page.getByText("Demo CRM")).toBeVisible();
  await expect(page.getByText(`${urls.gateway}/p/demo/mcp`)).toBeVisible();
  await page.getByText("Demo CRM").click();
  await expect(page.getByRole("heading", { name: "Demo CRM" })).toBeVisible();
});
