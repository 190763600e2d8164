import { createHmac } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { open, screenshot, signUp, uniqueEmail } from "../support/helpers.ts";

/**
 * TOTP two-factor sign-in, in Chromium: set up on the Account page (QR code, secret, otpauth
 * URI, confirmed with a code), recovery codes shown once, the sign-in asking for the code (a
 * used code refused), a recovery code signing in once, and turning it off. The codes are
 * computed here from the secret the page shows (RFC 6238, independently of the product's code).
 */
test.describe.configure({ mode: "serial" });
const person = { name: "Tess Totp", email: uniqueEmail("tess"), password: "correct horse battery", organization: "Two Factor Inc" };

function base32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
const stepNow = () => Math.floor(Date.now() / 30_000);
function codeAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
/** A code of a step after `used` (a code is accepted once): waits for the next step when needed. */
async function freshCode(secret: string, used: number): Promise<{ code: string; step: number }> {
  while (stepNow() <= used) await new Promise((r) => setTimeout(r, 500));
  const step = stepNow();
  return { code: codeAt(secret, step), step };
}

async function passwordStep(page: Page) {
  await page.context().clearCookies();
  await open(page, "/login");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Authentication code")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
}

test("set up TOTP, sign in with a code and with a recovery code, turn it off", async ({ page }) => {
  await signUp(page, person);
  await open(page, "/account");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByRole("img", { name: "QR code of the two-factor secret" })).toBeVisible();
  await page.getByText("Setup link").click();
  await expect(page.getByTestId("totp-uri")).toHaveText(`otpauth://totp/Tengine:${encodeURIComponent(person.email)}?secret=${secret}&issuer=Tengine&algorithm=SHA1&digits=6&period=30`);
  await screenshot(page, "two-factor-setup");

  await page.getByLabel("2. Code from the app").fill(codeAt(secret, stepNow() + 5));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.locator("#totp-code-error")).toContainText("That code is not right");

  let used = stepNow();
  await page.getByLabel("2. Code from the app").fill(codeAt(secret, used));
  await page.getByRole("button", { name: "Turn on" }).click();
  // The codes are shown once the server has confirmed the code: wait for them before reading.
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await screenshot(page, "two-factor-recovery-codes");
  await page.getByRole("button", { name: "I saved them" }).click();
  await expect(page.getByText("10 recovery codes left.")).toBeVisible();

  await test.step("sign-in asks for the code; a wrong one is refused; a used one too; a fresh one signs in", async () => {
    await passwordStep(page);
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That code is not right.")).toBeVisible();
    // The enrolment's code (already used) is refused even inside its window.
    if (stepNow() === used) {
      await page.getByLabel("Authentication code").fill(codeAt(secret, used));
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByText("That code is not right.")).toBeVisible();
    }
    const fresh = await freshCode(secret, used);
    used = fresh.step;
    await page.getByLabel("Authentication code").fill(fresh.code);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step("a recovery code signs in once", async () => {
    await passwordStep(page);
    await page.getByLabel("Authentication code").fill(codes[0]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects$/);
    await passwordStep(page);
    await page.getByLabel("Authentication code").fill(codes[0]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That code is not right.")).toBeVisible();
    await page.getByLabel("Authentication code").fill(codes[1]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step("turned off with a code; the password alone signs in again", async () => {
    await open(page, "/account");
    await expect(page.getByText("8 recovery codes left.")).toBeVisible();
    await page.getByLabel("Code to turn it off").fill(codes[2]!);
    await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
    await expect(page.getByRole("button", { name: "Set up two-factor sign-in" })).toBeVisible();
    await page.context().clearCookies();
    await open(page, "/login");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects$/);
  });
});
