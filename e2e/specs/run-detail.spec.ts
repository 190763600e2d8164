import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { dataDir, urls } from "../playwright.config.ts";
import { open, signIn } from "../support/helpers.ts";

// What a run's page tells an admin. A write call made without an explicit key is deduplicated by
// a key derived from the caller, the tool and the arguments: its page says so, with the window and
// the Idempotency-Key sent upstream, and lists the later call that was answered with its result.

const credentials = () => JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as { adminEmail: string; adminPassword: string; apiKey: string };

async function callTool(name: string, args: Record<string, unknown>) {
  const res = await fetch(`${urls.gateway}/p/demo/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${credentials().apiKey}`, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { isError?: boolean; content: Array<{ text: string }>; _meta?: Record<string, unknown> } };
  expect(body.result.isError, body.result.content.map((c) => c.text).join("\n")).toBeFalsy();
  return body.result._meta ?? {};
}

test("a write without an explicit key shows its derived key, window, upstream key and replays", async ({ page }) => {
  const args = { body: { name: `Derived Dedupe ${Date.now()}`, domain: "dedupe.example", industry: "Testing" } };
  const first = await callTool("create_company", args);
  const again = await callTool("create_company", args);
  expect(again["tengine/deduplicated"]).toBe(true);
  const firstRunId = String(first["tengine/runId"]);
  const replayRunId = String(again["tengine/runId"]);

  const { adminEmail, adminPassword } = credentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, `/projects/demo/runs/${firstRunId}`);
  await expect(page.getByText("This call carried no idempotency key")).toHaveCount(0);
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Idempotency", exact: true }) });
  await expect(card.getByText("Derived key")).toBeVisible();
  await expect(card.getByText("1 min")).toBeVisible();
  await expect(card.getByText(`Idempotency-Key: ${firstRunId}`)).toBeVisible();
  await expect(card.getByText("1 later call was answered with this run's result")).toBeVisible();
  await card.getByRole("link", { name: replayRunId }).click();

  await expect(page).toHaveURL(new RegExp(`/runs/${replayRunId}$`));
  await expect(page.getByText("The result of the original run was replayed")).toBeVisible();
  await expect(page.getByRole("link", { name: firstRunId })).toBeVisible();
});

test("a missing run or tool in the admin's own project is a real 404", async ({ page }) => {
  const { adminEmail, adminPassword } = credentials();
  await signIn(page, adminEmail, adminPassword);
  for (const missing of ["/projects/demo/runs/run_00000000000000000000000000", "/projects/demo/tools/no_such_tool"]) {
    const response = await open(page, missing);
    expect(response?.status(), missing).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
});
