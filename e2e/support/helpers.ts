import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, type Page } from "@playwright/test";

/** Screenshots are CI artifacts under reports/screenshots/. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: fileURLToPath(new URL(`../../reports/screenshots/${name}.png`, import.meta.url)), fullPage: true });
}

/**
 * Waits until React has hydrated the page (the dashboard sets `<html data-hydrated>`): typing into a
 * controlled input before then is lost, which made tests flaky on a busy machine.
 */
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** A full page load of a dashboard path, ready for input. */
export async function open(page: Page, path: string) {
  const response = await page.goto(path);
  await hydrated(page);
  return response;
}

/** Reloads a dashboard page and waits until it is ready for input. */
export async function reload(page: Page) {
  const response = await page.reload();
  await hydrated(page);
  return response;
}

export function uniqueEmail(label: string) {
  return `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`;
}

export async function signUp(page: Page, input: { name: string; email: string; password: string; organization: string }) {
  await open(page, "/signup");
  await page.getByLabel("Your name").fill(input.name);
  await page.getByLabel("Work email").fill(input.email);
  await page.getByLabel("Password").fill(input.password);
  await page.getByLabel("Organization").fill(input.organization);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

export async function signIn(page: Page, email: string, password: string) {
  await open(page, "/login");
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
