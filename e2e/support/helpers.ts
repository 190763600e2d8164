import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, type Page } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";

/** Screenshots are CI artifacts under reports/screenshots/. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: fileURLToPath(new URL(`../../reports/screenshots/${name}.png`, import.meta.url)), fullPage: true });
}

/**
 * Waits until React has hydrated the page: typing into a controlled input before then is lost,
 * which made tests flaky on a busy machine. The layout sets `<html data-hydrated>`; a page that
 * streams behind a loading skeleton (`data-page-loading`) arrives and hydrates later, and marks
 * itself `data-page-ready="true"` then.
 */
export async function hydrated(page: Page) {
  // A string: this package's TypeScript has no DOM types; the expression runs in the page.
  await page.waitForFunction(`document.documentElement.dataset.hydrated === "true" && !document.querySelector("[data-page-loading]") && !document.querySelector('[data-page-ready="false"]')`);
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

/** What `npm start` wrote for the demo: the admin's sign-in, the demo API key, the demo CRM's URL. */
export type DemoCredentials = { adminEmail: string; adminPassword: string; apiKey: string; demoCrmUrl: string };
export const demoCredentials = (): DemoCredentials => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as DemoCredentials;

export type DemoToolResult = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: unknown; _meta?: Record<string, unknown>; text: string };

/** One tools/call on the demo project with the demo API key, as plain MCP over fetch (2025-06-18). */
export async function callDemoTool(name: string, args: Record<string, unknown> = {}): Promise<DemoToolResult> {
  const res = await fetch(`${urls.gateway}/p/demo/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${demoCredentials().apiKey}`, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: Omit<DemoToolResult, "text"> };
  return { ...body.result, text: body.result.content.map((c) => c.text).join("\n") };
}

/**
 * Sets the demo project's approval policy on its approvals page (the demo project is shared by
 * specs). `saved`: the confirmation expected, when the spec checks its wording.
 */
export async function setDemoApprovalPolicy(page: Page, label: RegExp, saved?: string) {
  await open(page, "/projects/demo/approvals");
  const form = page.getByRole("form", { name: "Approval policy" });
  await form.getByRole("radio", { name: label }).check();
  const save = form.getByRole("button", { name: "Save policy" });
  if (await save.isEnabled()) {
    await save.click();
    await (saved === undefined ? expect(form.getByRole("status")).toBeVisible() : expect(form.getByRole("status")).toHaveText(saved));
  }
}
