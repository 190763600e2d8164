import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { urls } from "../playwright.config.ts";
import { mcpClient, screenshot, signIn, open, reload, demoCredentials, setDemoApprovalPolicy } from "../support/helpers.ts";

// Human approval end to end (issue 6): an admin sets the demo project's approval policy to
// "all tools that are not read-only" in the dashboard; an AI client (the official MCP SDK
// client, with the demo API key) calls create_company and waits; the admin approves it on the
// approvals page; the worker inside `npm start` sends it, and the waiting call returns the
// demo CRM's answer. The policy is set back at the end (the demo project is shared by specs).

/** "5.20 s" or "150 ms" in milliseconds, as the run page shows durations. */
function duration(text: string | null): number {
  const match = text?.match(/([\d.]+) (ms|s)\b/);
  if (!match) throw new Error(`no duration in ${JSON.stringify(text)}`);
  return Number(match[1]) * (match[2] === "s" ? 1000 : 1);
}


test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, demoCredentials().adminEmail, demoCredentials().adminPassword);
  await setDemoApprovalPolicy(page, /Only tools marked/, "Saved: only tools marked “requires approval” wait for a person.");
  await page.close();
});

test("a call that needs approval waits, is approved in the dashboard, and returns the upstream result", async ({ page }) => {
  const { adminEmail, adminPassword, apiKey, demoCrmUrl } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await setDemoApprovalPolicy(page, /All tools that are not read-only/, "Saved: every tool that is not read-only waits for a person.");

  const client = await mcpClient(`${urls.gateway}/p/demo/mcp`, apiKey);
  // Read-only tools still go straight through. (The demo tools are imported from OpenAPI:
  // arguments are { pathParams, query, body }.)
  const listed = await client.callTool({ name: "list_companies", arguments: {} });
  expect(listed.isError).toBeFalsy();

  const started = Date.now();
  // A name of this run only: the same arguments again would be answered from the earlier
  // run (the derived idempotency key), without waiting for anyone.
  const company = `Approved Industries ${started}`;
  const call = client.callTool({ name: "create_company", arguments: { body: { name: company, domain: "approved.example", industry: "Testing" } } });

  // The call shows up in the open queue by itself, no reload (with a count in the project nav).
  const decide = page.getByRole("form", { name: "Decide on create_company" });
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // polling slows to one check every 10 s while nothing changes: allow for a slow one
  await expect(decide).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("link", { name: /Approvals\s*1/ })).toBeVisible();
  const item = page.getByRole("listitem").filter({ has: decide });
  await expect(item.getByText(`${demoCrmUrl}/companies`)).toBeVisible();
  await expect(item.getByLabel("Arguments")).toContainText(`"${company}"`);
  await expect(item.getByText("Demo key")).toBeVisible();
  await screenshot(page, "approvals-pending");

  // A reason of this run only: the shared demo project keeps earlier runs' decisions.
  const reason = `Checked with sales ${Date.now()}`;
  await decide.getByLabel("Reason (optional)").fill(reason);
  await decide.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Approved: run run_/ })).toBeVisible();

  // The waiting call returns the demo CRM's answer, well inside the 25 s the gateway waits.
  const result = (await call) as { isError?: boolean; structuredContent?: Record<string, unknown>; _meta?: Record<string, unknown> };
  await client.close();
  expect(result.isError).toBeFalsy();
  expect(result._meta?.["tengine/pendingApproval"]).toBeUndefined();
  expect(result.structuredContent).toMatchObject({ name: company, domain: "approved.example" });
  expect(Date.now() - started).toBeLessThan(25_000);

  // The decision is listed with its reason, and the run succeeded.
  await reload(page);
  const decided = page.getByRole("row").filter({ hasText: reason });
  await expect(decided).toContainText("create_company");
  await expect(decided).toContainText("approved");
  await expect(decided).toContainText(adminEmail);
  await expect(decided).toContainText("succeeded");
  await screenshot(page, "approvals-decided");

  // The run's page says who approved it and how long it waited; its total is the wall-clock time
  // from the call to the result, not only the gateway's and the upstream's work around the wait.
  await decided.getByRole("link", { name: /^run_/ }).click();
  await expect(page.getByText(`Approved by ${adminEmail}`)).toBeVisible();
  const waited = duration(await page.getByText(/^after waiting /).textContent());
  const timing = (await page.getByRole("img", { name: /Waiting for approval/ }).getAttribute("aria-label")) ?? "";
  expect(waited).toBeGreaterThan(0);
  expect(duration(timing.match(/Waiting for approval ([\d.]+ m?s)/)?.[0] ?? null)).toBe(waited);
  expect(duration(timing.match(/^Total ([\d.]+ m?s)/)?.[0] ?? null)).toBeGreaterThanOrEqual(waited);
});

test("a 2026-07-28 client is sent to the approval page, where the call is approved, and gets the result", async ({ page }) => {
  const { adminEmail, adminPassword, apiKey } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await setDemoApprovalPolicy(page, /All tools that are not read-only/, "Saved: every tool that is not read-only waits for a person.");

  // The official SDK v2 client, pinned to 2026-07-28, able to open URLs for its user: here the
  // "user" follows the link in the browser and approves the call on the page it opens.
  const client = new ClientV2({ name: "e2e-modern", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { url: {} } } });
  const opened: string[] = [];
  client.setRequestHandler("elicitation/create", async (request) => {
    const { url } = request.params as { url: string };
    opened.push(url);
    await open(page, url.replace(/^https?:\/\/[^/]+/, ""));
    const item = page.locator("li[aria-current=true]");
    const decide = item.getByRole("form", { name: "Decide on create_company" });
    await expect(decide).toBeVisible();
    await screenshot(page, "approvals-modern-client-link");
    await decide.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Approved: run run_/ })).toBeVisible();
    return { action: "accept" };
  });
  await client.connect(new TransportV2(new URL(`${urls.gateway}/p/demo/mcp`), { requestInit: { headers: { authorization: `Bearer ${apiKey}` } } }));
  expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");

  const company = `Modern Approvals Ltd ${Date.now()}`; // this run's own: see the test above
  const result = (await client.callTool({ name: "create_company", arguments: { body: { name: company, domain: "modern.example", industry: "Testing" } } })) as { isError?: boolean; structuredContent?: Record<string, unknown>; _meta?: Record<string, unknown> };
  await client.close();
  expect(result.isError).toBeFalsy();
  expect(result.structuredContent).toMatchObject({ name: company });
  // One link, to this call's approval on the project's approvals page.
  expect(opened).toHaveLength(1);
  expect(opened[0]).toBe(`${urls.dashboard}/projects/demo/approvals?run=${result._meta?.["tengine/runId"]}#${result._meta?.["tengine/runId"]}`);
});

test("an admin sets where new pending approvals are posted; only the host is shown back", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/approvals");
  const form = page.getByRole("form", { name: "Approval webhook" });
  await expect(form.getByText("No webhook")).toBeVisible();
  await form.getByLabel("Webhook URL").fill("not a url");
  await form.getByRole("button", { name: "Save webhook" }).click();
  await expect(form.getByRole("alert").first()).toContainText("absolute http(s) URL");
  await form.getByLabel("Webhook URL").fill("https://hooks.example.com/services/T0/B0/very-secret-token");
  await form.getByRole("button", { name: "Save webhook" }).click();
  await expect(form.getByRole("status")).toHaveText("New pending approvals are posted to hooks.example.com.");
  await reload(page);
  await expect(page.getByRole("form", { name: "Approval webhook" }).getByText("New pending approvals are posted to hooks.example.com.")).toBeVisible();
  expect(await page.content()).not.toContain("very-secret-token");
  await page.getByRole("form", { name: "Approval webhook" }).getByRole("button", { name: "Remove webhook" }).click();
  await expect(page.getByRole("form", { name: "Approval webhook" }).getByRole("status")).toHaveText("Approval webhook removed.");
});
