import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { urls } from "../playwright.config.ts";

test("the dashboard lists the demo project with its MCP URL", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText("Demo CRM")).toBeVisible();
  await expect(page.getByText(`${urls.gateway}/p/demo/mcp`)).toBeVisible();
  // Screenshots are CI artifacts under reports/screenshots/.
  await page.screenshot({ path: fileURLToPath(new URL("../../reports/screenshots/projects.png", import.meta.url)), fullPage: true });
});
