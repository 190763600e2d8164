"use server";
import { assertMayGrantScopes, createApiKey, parseScopes, recordAudit, revokeApiKey } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withProjectRole } from "../action.ts";

const createKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name, e.g. where it is used").max(100, "At most 100 characters"),
  /** comma- or space-separated; empty = full project access */
  scopes: z
    .string()
    .max(2000)
    .default("")
    .transform((raw, ctx) => {
      const parsed = parseScopes(raw.split(/[\s,]+/));
      if (parsed.ok) return parsed.scopes;
      ctx.addIssue({ code: "custom", message: `Not a scope: ${parsed.invalid.join(", ")}. Use resource:read or resource:write, e.g. contacts:read` });
      return z.NEVER;
    }),
  /** ISO timestamp (the end of the chosen day in the admin's time zone); empty = never */
  expiresAt: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw) return undefined;
      const at = new Date(raw);
      if (Number.isNaN(at.getTime())) {
        ctx.addIssue({ code: "custom", message: "Not a date" });
        return z.NEVER;
      }
      if (at.getTime() <= Date.now()) {
        ctx.addIssue({ code: "custom", message: "Pick a date in the future" });
        return z.NEVER;
      }
      return at;
    }),
});

/**
 * Creates an API key (member+; platform scopes up to the creator's role). The plaintext goes back to the browser once, in this answer;
 * only its SHA-256 is stored, and the audit log gets its name, scopes and display prefix.
 */
export const createKeyAction = withProjectRole("member", createKeySchema, async (ctx, input) => {
  // Platform scopes only up to the creator's role: the same rule as through MCP and OAuth.
  assertMayGrantScopes(input.scopes, { role: ctx.role });
  const created = await createApiKey(ctx.db, ctx.project.id, { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt });
  await recordAudit(ctx.db, {
    orgId: ctx.org.id,
    projectId: ctx.project.id,
    actor: { userId: ctx.user.id, email: ctx.user.email },
    action: "api_key.create",
    targetType: "api_key",
    targetId: created.id,
    details: { name: created.name, scopes: created.scopes, prefix: created.prefix, expiresAt: created.expiresAt?.toISOString() ?? null },
  });
  revalidatePath(`/projects/${ctx.project.slug}/keys`);
  return { ok: true, data: { id: created.id, name: created.name, prefix: created.prefix, key: created.key }, message: `Key ${created.name} created` };
});

/** Revokes a key (member+): the next call with it gets 401, on every gateway replica. */
export const revokeKeyAction = withProjectRole("member", z.object({ keyId: z.string().min(1).max(64) }), async (ctx, input) => {
  const key = await revokeApiKey(ctx.db, ctx.project.id, input.keyId);
  if (key.alreadyRevoked) return { ok: true, message: `${key.name} was already revoked` };
  await recordAudit(ctx.db, {
    orgId: ctx.org.id,
    projectId: ctx.project.id,
    actor: { userId: ctx.user.id, email: ctx.user.email },
    action: "api_key.revoke",
    targetType: "api_key",
    targetId: key.id,
    details: { name: key.name, scopes: key.scopes, prefix: key.prefix },
  });
  revalidatePath(`/projects/${ctx.project.slug}/keys`);
  return { ok: true, message: `${key.name} revoked` };
});
