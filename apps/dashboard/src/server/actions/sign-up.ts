"use server";
import { isAppError, signUp, signUpInput } from "@tengine/core";
import type { z } from "zod";
import type { ActionResult } from "../action.ts";
import { getDb } from "../db.ts";

/**
 * Creates the account and its organization; the form then signs in. An email that already has
 * an account gets the same answer and nothing is changed (core signUp): the answer does not
 * tell who has an account. Finding out costs a sign-in attempt, which is rate limited.
 */
export async function signUpAction(input: z.input<typeof signUpInput>): Promise<ActionResult> {
  const parsed = signUpInput.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return { ok: false, error: "Check the highlighted fields.", fieldErrors };
  }
  try {
    await signUp(getDb(), parsed.data);
    return { ok: true };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    console.error("sign-up failed", error);
    return { ok: false, error: "Something went wrong on our side. Try again." };
  }
}
