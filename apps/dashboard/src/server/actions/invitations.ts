"use server";
import { acceptInvitation, isAppError } from "@tengine/core";
import { z } from "zod";
import type { ActionResult } from "../action.ts";
import { getDb } from "../db.ts";
import { currentUser } from "../session.ts";

const token = z.string().regex(/^[A-Za-z0-9]{16,64}$/, "this invitation link is not valid");

/**
 * Accepting an invitation link: the link's token is the credential (single use, 7 days). A new
 * person sets a password here; someone who already has an account accepts while signed in as it.
 */
export async function acceptInvitationAction(rawToken: string, input: { name?: string; password?: string }): Promise<ActionResult<{ email: string }>> {
  const parsed = token.safeParse(rawToken);
  if (!parsed.success) return { ok: false, error: "This invitation link is not valid." };
  try {
    const user = input.password === undefined ? await currentUser() : null;
    if (input.password === undefined && !user) return { ok: false, error: "Sign in first." };
    const accepted = await acceptInvitation(getDb(), parsed.data, user ? { signedInUserId: user.id } : { newAccount: { ...(input.name ? { name: input.name } : {}), password: input.password ?? "" } });
    return { ok: true, data: { email: accepted.email }, message: `You joined ${accepted.org.name}.` };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const text = error.message[0]!.toUpperCase() + error.message.slice(1);
    return error.message.startsWith("the password") ? { ok: false, error: "Check the highlighted fields.", fieldErrors: { password: text } } : { ok: false, error: text };
  }
}
