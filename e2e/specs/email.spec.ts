import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { SMTPServer } from "smtp-server";
import { ports, urls } from "../playwright.config.ts";
import { demoCredentials, mcpClient, open, signIn, signUp, uniqueEmail, setDemoApprovalPolicy } from "../support/helpers.ts";

/**
 * Email through SMTP (the product runs with SMTP_URL pointing at the server this spec starts):
 * an invitation is emailed with its link, which opens the invitation; a call waiting for
 * approval emails the organization's admins with a link to that approval. Real SMTP on
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
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=") }); // quoted-printable: soft breaks, "="
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(ports.smtp, "127.0.0.1", resolve));
  expect((server.server.address() as AddressInfo).port).toBe(ports.smtp);
});
test.afterAll(async ({ browser }) => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  // The demo project is shared by specs: its approval policy goes back even when a test failed.
  const page = await browser.newPage();
  await signIn(page, demoCredentials().adminEmail, demoCredentials().adminPassword);
  await setDemoApprovalPolicy(page, /Only tools marked/);
  await page.close();
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

test("a call waiting for approval emails the organization's admins a link to that approval", async ({ page }) => {
  const { adminEmail, adminPassword, apiKey } = demoCredentials();
  await signIn(page, adminEmail, adminPassword);
  await setDemoApprovalPolicy(page, /All tools that are not read-only/);
  const client = await mcpClient(`${urls.gateway}/p/demo/mcp`, apiKey);
  const call = client.callTool({ name: "create_company", arguments: { body: { name: "Emailed Industries", domain: "emailed.example", industry: "Testing" } } }).catch(() => undefined);
  // This call's approval (other specs' approvals are emailed too: the mail is found by its run).
  await open(page, "/projects/demo/approvals");
  const decide = page.getByRole("form", { name: "Decide on create_company" });
  // Opened while the call may still be on its way: the live page shows it when it arrives.
  await expect(decide).toBeVisible({ timeout: 30_000 });
  const runId = (await page.getByRole("listitem").filter({ has: decide }).getByRole("link", { name: /^run_/ }).textContent())!.trim();
  const mail = await mailTo(adminEmail, new RegExp(`approvals\\?run=${runId}`));
  expect(mail.raw).toContain("Subject: Approval needed: create_company");
  const link = mail.raw.match(/https?:\/\/\S+\/approvals\?run=run_[0-9a-z]+#run_[0-9a-z]+/)?.[0];
  expect(link).toBe(`${urls.dashboard}/projects/demo/approvals?run=${runId}#${runId}`);
  // The link opens the queue with this call highlighted; deny it, so the shared demo CRM is left alone.
  await open(page, link!.slice(urls.dashboard.length));
  await page.locator("li[aria-current=true]").getByRole("form", { name: "Decide on create_company" }).getByRole("button", { name: "Deny" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Denied: run run_/ })).toBeVisible();
  await call;
  await client.close();
});
