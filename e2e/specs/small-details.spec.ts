import { expect, test } from "@playwright/test";
import { demoCredentials, open, signIn } from "../support/helpers.ts";

// Details a new admin notices: the tab has an icon (no /favicon.ico 404 on every page), and
// counts read as English ("1 key", "3 tools").

test("the favicon is served", async ({ request }) => {
  const response = await request.get("/favicon.ico");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/image\//);
});

test("counts on the projects page agree with their nouns", async ({ page }) => {
  const { adminEmail, adminPassword } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects");
  const counts = await page.getByText(/^\d+ (keys?|tools?)$/).allTextContents();
  expect(counts.length).toBeGreaterThan(0);
  for (const count of counts) {
    const [n, noun] = count.split(" ");
    expect(noun, count).toBe(Number(n) === 1 ? noun!.replace(/s$/, "") : noun!.endsWith("s") ? noun : `${noun}s`);
  }
});
