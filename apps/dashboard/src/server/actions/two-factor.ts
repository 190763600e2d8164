"use server";
import { confirmTotpEnrolment, disableTotp, isAppError, startTotpEnrolment } from "@tengine/core";
import QRCode from "qrcode";
import { z } from "zod";
import type { ActionResult } from "../action.ts";
import { getDb, getSecretBox } from "../db.ts";
import { currentUser } from "../session.ts";

/*
 * The signed-in person's own two-factor sign-in (TOTP): set up, confirm, turn off. Like the
 * password form, these act on one's own account only; core checks every code.
 */

const SESSION_ENDED = { ok: false as const, error: "Your session has ended. Sign in again." };
const codeInput = z.object({ code: z.string().trim().min(1, "Enter the code").max(40) });

function failure(error: unknown): ActionResult<never> {
  if (!isAppError(error)) throw error;
  const text = error.message[0]!.toUpperCase() + error.message.slice(1);
  return error.message.includes("code") ? { ok: false, error: "Check the highlighted field.", fieldErrors: { code: `${text}.` } } : { ok: false, error: `${text}.` };
}

export type TotpEnrolment = { secret: string; uri: string; qrSvg: string };

/** A new secret to scan: its otpauth URI, the same as a QR code (SVG), and the secret to type by hand. */
export async function startTotpAction(): Promise<ActionResult<TotpEnrolment>> {
  const user = await currentUser();
  if (!user) return SESSION_ENDED;
  try {
    const { secret, uri } = await startTotpEnrolment(getDb(), getSecretBox(), user.id);
    const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
    return { ok: true, data: { secret, uri, qrSvg } };
  } catch (error) {
    return failure(error);
  }
}

/** Turns two-factor sign-in on with a code from the app; answers the recovery codes (shown once). */
export async function confirmTotpAction(raw: z.input<typeof codeInput>): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  const user = await currentUser();
  if (!user) return SESSION_ENDED;
  const parsed = codeInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: "Check the highlighted field.", fieldErrors: { code: "Enter the 6-digit code your app shows." } };
  try {
    const { recoveryCodes } = await confirmTotpEnrolment(getDb(), getSecretBox(), user.id, parsed.data.code);
    return { ok: true, data: { recoveryCodes }, message: "Two-factor sign-in is on." };
  } catch (error) {
    return failure(error);
  }
}

/** Turns two-factor sign-in off; needs a current code or a recovery code. */
export async function disableTotpAction(raw: z.input<typeof codeInput>): Promise<ActionResult> {
  const user = await currentUser();
  if (!user) return SESSION_ENDED;
  const parsed = codeInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: "Check the highlighted field.", fieldErrors: { code: "Enter a code from your app or a recovery code." } };
  try {
    await disableTotp(getDb(), getSecretBox(), user.id, parsed.data.code);
    return { ok: true, message: "Two-factor sign-in is off." };
  } catch (error) {
    return failure(error);
  }
}
