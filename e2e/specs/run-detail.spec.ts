import { expect, test } from "@playwright/test";
import { open, signIn, demoCredentials, callDemoTool } from "../support/helpers.ts";

// What a run's page tells an admin. A write call made without an explicit key is deduplicated by
// a key derived from the caller, the tool and the arguments: its page says so, with the window and
// the Idempotency-Key sent upstream, and lists the later call that was answered with its result.

test("a write without an explicit key shows its derived key, window, upstream key and replays", async ({ page }) => {
  const args = { body: { name: `Derived Dedupe ${Date.now()}`, domain: "dedupe.example", industry: "Testing" } };
  const [firstCall, againCall] = [await callDemoTool("create_company", args), await callDemoTool("create_company", args)];
  expect(firstCall.isError, firstCall.text).toBeFalsy();
  const first = firstCall._meta ?? {};
  const again = againCall._meta ?? {};
  expect(again["tengine/deduplicated"]).toBe(true);
  const firstRunId = String(first["tengine/runId"]);
  const replayRunId = String(again["tengine/runId"]);

  const { adminEmail, adminPassword } = demoCredentials();
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
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  for (const missing of ["/projects/demo/runs/run_00000000000000000000000000", "/projects/demo/tools/no_such_tool"]) {
    const response = await open(page, missing);
    expect(response?.status(), missing).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
});
