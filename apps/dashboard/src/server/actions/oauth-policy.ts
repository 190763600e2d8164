"use server";
import { oauthPolicyInput, setOAuthPolicy } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { withProjectRole } from "../action.ts";

/**
 * Changes the project's OAuth policy (admin). Validation errors come back per list item
 * (`redirectUris.1`, `scopes.0`) so the form marks the list they belong to; setOAuthPolicy
 * moves the config version and writes the audit entry (`oauth_policy.update`).
 */
export const setOAuthPolicyAction = withProjectRole("admin", oauthPolicyInput, async (ctx, input) => {
  const { changed } = await setOAuthPolicy(ctx.db, { projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, ...input });
  if (changed.length === 0) return { ok: true, message: "Nothing changed." };
  revalidatePath(`/projects/${ctx.project.slug}`, "layout");
  return { ok: true, message: "Policy saved. It applies to every token from the next call." };
});
