"use server";
import {
  clearMemberAssertion,
  createSigningSecret,
  getMemberAssertionStatus,
  isAppError,
  recordAudit,
  retireSigningSecret,
  settingsAudit,
  setMemberAssertionJwk,
  setMemberAssertionSecret,
  setToolDiscovery,
  toolDiscoveryInput,
  updateProjectSettings,
  updateProjectSettingsInput,
} from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, withProjectRole } from "../action.ts";
import { getSecretBox } from "../db.ts";

type Ctx = Parameters<Parameters<typeof withProjectRole>[2]>[0];

function audit(ctx: Ctx, action: string, targetType: string, targetId: string, details?: Record<string, unknown>) {
  return recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action, targetType, targetId, details });
}

function done(slug: string) {
  revalidatePath(`/projects/${slug}`, "layout");
}

/** General settings: name, allowed upstream hosts, plain http, require_member (admin). */
export const updateProjectSettingsAction = withProjectRole("admin", updateProjectSettingsInput, async (ctx, input) => {
  const entry = settingsAudit(ctx.project.id, await updateProjectSettings(ctx.db, ctx.project.id, input));
  if (!entry) return { ok: true, message: "Nothing changed." };
  await audit(ctx, entry.action, entry.targetType, entry.targetId, entry.details);
  done(ctx.project.slug);
  return { ok: true, message: "Settings saved. Gateways use them from the next call." };
});

/** A new RFC 9421 signing secret, returned once (admin). */
export const createSigningSecretAction = withProjectRole("admin", z.object({}), async (ctx): Promise<ActionResult<{ keyid: string; secret: string }>> => {
  const created = await createSigningSecret(ctx.db, getSecretBox(), ctx.project.id);
  await audit(ctx, "signing_secret.create", "signing_secret", created.keyid);
  done(ctx.project.slug);
  return { ok: true, data: created };
});

/** Retires an active signing secret; the gateway signs with the other one, if any (admin). */
export const retireSigningSecretAction = withProjectRole("admin", z.object({ keyid: z.string().regex(/^sig_[0-9a-z]+$/, "unknown signing secret") }), async (ctx, input) => {
  await retireSigningSecret(ctx.db, ctx.project.id, input.keyid);
  await audit(ctx, "signing_secret.retire", "signing_secret", input.keyid);
  done(ctx.project.slug);
  return { ok: true, message: `${input.keyid} retired.` };
});

/** Generates (or replaces) the HS256 member-assertion secret, returned once (admin). */
export const generateMemberAssertionSecretAction = withProjectRole("admin", z.object({}), async (ctx): Promise<ActionResult<{ secret: string }>> => {
  const previous = await getMemberAssertionStatus(ctx.db, ctx.project.id);
  const { secret } = await setMemberAssertionSecret(ctx.db, getSecretBox(), ctx.project.id);
  await audit(ctx, previous.kind === "secret" ? "member_assertion.secret_rotate" : "member_assertion.secret_create", "project", ctx.project.id, { alg: "HS256", replaced: previous.kind });
  done(ctx.project.slug);
  return { ok: true, data: { secret } };
});

/** Registers the public JWK (ES256 / EdDSA) member assertions are verified with (admin). */
export const setMemberAssertionJwkAction = withProjectRole("admin", z.object({ jwk: z.string().trim().min(1, "paste the public key as JSON") }), async (ctx, input) => {
  const previous = await getMemberAssertionStatus(ctx.db, ctx.project.id);
  try {
    const key = await setMemberAssertionJwk(ctx.db, ctx.project.id, input.jwk);
    await audit(ctx, "member_assertion.public_key_set", "project", ctx.project.id, { alg: key.alg, crv: key.crv, kid: key.kid ?? null, thumbprint: key.thumbprint, replaced: previous.kind });
  } catch (error) {
    if (isAppError(error) && error.code === "bad_request") return { ok: false, error: "This key cannot be used.", fieldErrors: { jwk: error.message } };
    throw error;
  }
  done(ctx.project.slug);
  return { ok: true, message: "Public key saved." };
});

/** Removes the member-assertion key: member sessions can no longer be minted (admin). */
export const clearMemberAssertionAction = withProjectRole("admin", z.object({}), async (ctx) => {
  const previous = await getMemberAssertionStatus(ctx.db, ctx.project.id);
  await clearMemberAssertion(ctx.db, ctx.project.id);
  await audit(ctx, "member_assertion.clear", "project", ctx.project.id, { removed: previous.kind });
  done(ctx.project.slug);
  return { ok: true, message: "Member assertion key removed." };
});

/** Tool discovery: how tools/list presents the project's tools, and the pinned tools (admin). */
export const setToolDiscoveryAction = withProjectRole("admin", toolDiscoveryInput, async (ctx, input) => {
  const { before, after, changed } = await setToolDiscovery(ctx.db, ctx.project.id, input);
  if (changed.length === 0) return { ok: true, message: "Nothing changed." };
  await audit(ctx, "project.settings_update", "project", ctx.project.id, { changed, before, after });
  done(ctx.project.slug);
  return { ok: true, message: "Tool discovery saved. MCP clients see it on their next tools/list." };
});
