import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, type Page } from "@playwright/test";

/** Screenshots are CI artifacts under reports/screenshots/. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: fileURLToPath(new URL(`../../reports/screenshots/${name}.png`, import.meta.url)), fullPage: true });
}

export function uniqueEmail(label: string) {
  return `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`;
}

export async function signUp(page: Page, input: { name: string; email: string; password: string; organization: string }) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(input.name);
  await page.getByLabel("Work email").fill(input.email);
  await page.getByLabel("Password").fill(input.password);
  await page.getByLabel("Organization").fill(input.organization);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

/** The official MCP SDK client, as a customer's AI client would connect. */
export async function mcpClient(url: string, key: string) {
  const client = new Client({ name: "e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}
