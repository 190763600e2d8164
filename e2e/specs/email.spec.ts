import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { SMTPServer } from "smtp-server";
import { ports, urls } from "../playwright.config.ts";
import { demoCredentials, mcpClient, open, signIn, signUp, uniqueEmail } from "../support/helpers.ts";

/**
 * Email through SMTP (the product runs with SMTP_URL pointing at the server this spec starts):
 * an invitation is emailed with its link, which opens the invitation; a call waiting for
 * approval emails the organization's admins with a link to the approvals queue. Real SMTP on
 * both ends: nodemailer in the worker, `smtp-server` here.
 */
test.describe.configure({ mode: "serial" });

type Mail = { to: string[]; raw: string };
const inbox: Mail[] = [];
let server: SMTPServer;

test.beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8").replace(/=\r?\n/g, "") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(ports.smtp, "127.0.0.1", resolve));
  expect((server.server.address() as AddressInfo).port).toBe(ports.smtp);
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** The first mail to `to` whose text matches, once the worker (every 5 s, with retries) sent it. */
async function mailTo(to: string, match: RegExp): Promise<Mail> {
  let found: Mail | undefined;
  await expect.poll(() => (found = inbox.find((m) => m.to.includes(to) && match.test(m.raw))), { timeout: 60_000, intervals: [500] }).toBeTruthy();
  return found!;
}

test("an invitation is emailed with its link, and the link opens the invitation", async ({ page, browser }) => {
  const admin = { name: "Eve Email", email: uniqueEmail("eve"), password: "correct horse battery", organization: `Mail Org ${Date.now() % 100000}` };
  await signUp(page, admin);
  await open(page, "/org/members");
  const guest = uniqueEmail("guest");
  await page.getByLabel("Email to invite").fill(guest);
  await page.getByRole("button", { name: "Create invitation link" }).click();
  await expect(page.getByText(`Emailed to ${guest}.`)).toBeVisible();
  const shown = (await page.getByTestId("invitation-link").textContent())!.trim();

  const mail = await mailTo(guest, /You are invited to/);
  expect(mail.raw).toContain(`Subject: You are invited to ${admin.organization} on Tengine`);
  const link = mail.raw.match(/https?:\/\/\S+\/invite\/[A-Za-z0-9]+/)?.[0];
  expect(link).toBe(shown);
  expect(link!.startsWith(urls.dashboard)).toBe(true);

  const guestPage = await browser.newPage();
  await open(guestPage, link!);
  await expect(guestPage.getByRole("heading", { name: `Join ${admin.organization}` })).toBeVisible();
  await guestPage.close();
});

test("a call waiting for approval emails the organization's admins a link to the queue", async ({ page }) => {
  const { adminEmail, adminPassword, apiKey } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await open(page, "/projects/demo/approvals");
  const policy = page.getByRole("form", { name: "Approval policy" });
  await policy.getByRole("radio", { name: /All tools that are not read-only/ }).check();
  await policy.getByRole("button", { name: "Save policy" }).click();
  try {
    const client = await mcpClient(`${urls.gateway}/p/demo/mcp`, apiKey);
    const call = client.callTool({ name: "create_company", arguments: { body: { name: "Emailed Industries", domain: "emailed.example", industry: "Testing" } } }).catch(() => undefined);
    const mail = await mailTo(adminEmail, /Approval needed: create_company/);
    expect(mail.raw).toContain(`${urls.dashboard}/projects/demo/approvals`);
    // Deny it, so nothing is created in the shared demo CRM.
    await open(page, "/projects/demo/approvals");
    const decide = page.getByRole("form", { name: "Decide on create_company" });
    await decide.getByRole("button", { name: "Deny" }).click();
    await call;
    await client.close();
  } finally {
    await open(page, "/projects/demo/approvals");
    const reset = page.getByRole("form", { name: "Approval policy" });
    await reset.getByRole("radio", { name: /Only tools marked/ }).check();
    const save = reset.getByRole("button", { name: "Save policy" });
    if (await save.isEnabled()) await save.click();
    await expect(reset.getByRole("status")).toBeVisible();
  }
});
