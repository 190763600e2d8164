"use server";
import { changePassword, isAppError } from "@tengine/core";
import { z } from "zod";
import type { ActionResult } from "../action.ts";
import { getDb } from "../db.ts";
import { currentUser } from "../session.ts";

const input = z.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) });

/**
 * The signed-in person's own password (no organization role involved: it acts on one's own
 * account only). Core checks the current password and the new one's rule.
 */
export async function changePasswordAction(raw: z.input<typeof input>): Promise<ActionResult> {
  const user = await currentUser();
  if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, error: "Check the highlighted fields." };
  try {
    await changePassword(getDb(), user.id, parsed.data);
    return { ok: true, message: "Password changed. Use it the next time you sign in." };
  } catch (error) {
    if (!isAppError(error)) throw error;
    // Put the answer next to the field it is about.
    const field = error.message.startsWith("the current password") ? "currentPassword" : error.message.includes("new password") ? "newPassword" : undefined;
    const text = error.message[0]!.toUpperCase() + error.message.slice(1);
    return field ? { ok: false, error: "Check the highlighted fields.", fieldErrors: { [field]: text } } : { ok: false, error: text };
  }
}
