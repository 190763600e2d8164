import { z } from "zod";
import type { Db } from "@tengine/db";
import { type AuditActor, recordAudit } from "../audit/record-audit.ts";
import { AppError } from "../errors/app-error.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { SCOPE_PATTERN } from "../scopes/has-scopes.ts";
import { clientIdUrlProblem, isClientIdUrl } from "./client-metadata-document.ts";

/** Hosts a plain-http redirect URI may point at (RFC 8252 §7.3 loopback redirects). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * One allowed redirect URI. The gateway compares it with the client's `redirect_uri` exactly
 * (scheme, host, port, path and query), so it is stored as typed, only trimmed: normalising
 * (adding a trailing slash, lower-casing) would make the admin's entry differ from what the
 * client sends.
 */
export const oauthRedirectUriSchema = z
  .string()
  .trim()
  .min(1, "enter a redirect URI, e.g. http://localhost:3118/callback")
  .max(2000, "redirect URIs are at most 2000 characters")
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (/\s/.test(value)) return fail(`"${value}" contains spaces`);
    if (value.includes("*")) return fail(`"${value}": wildcards are not supported; list each redirect URI exactly`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail(`"${value}" is not an absolute URL: write it in full, e.g. https://app.example.com/oauth/callback`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return fail(`"${value}": redirect URIs must use https:// (or http:// for localhost)`);
    if (value.includes("#")) return fail(`"${value}": redirect URIs must not contain a fragment (#…)`);
    if (url.username || url.password) return fail(`"${value}": redirect URIs must not contain user information (…@)`);
    if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
      return fail(`"${value}": plain http:// is only allowed for localhost, 127.0.0.1 and [::1]; use https://`);
    }
  });

/** A client id as issued by dynamic client registration (`cli_…`), or a client's metadata document URL (`https://…`). */
export const oauthClientIdSchema = z
  .string()
  .trim()
  .min(1, "enter a client id")
  .superRefine((value, ctx) => {
    if (isClientIdUrl(value)) {
      const problem = clientIdUrlProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      return;
    }
    if (!/^cli_[0-9A-Za-z_-]{1,100}$/.test(value)) ctx.addIssue({ code: "custom", message: `"${value}" is not an OAuth client id: they look like cli_… or, for a client with a metadata document, https://app.example.com/oauth/client.json` });
  });

/** A scope of the ceiling: `resource:read` or `resource:write` (DESIGN §5). */
export const oauthScopeSchema = z
  .string()
  .trim()
  .refine((s) => SCOPE_PATTERN.test(s), { error: (issue) => `"${String(issue.input)}" is not a scope: use resource:read or resource:write, e.g. contacts:read` });

const dedupe = <T>(list: T[]) => [...new Set(list)];

/** The admin-owned OAuth policy of a project (DESIGN §11). Lists given replace the stored ones. */
export const oauthPolicyInput = z.object({
  /** Disabled: no credential reaches the MCP endpoint and OAuth tokens fail validation. */
  mcpEnabled: z.boolean().optional(),
  /** Exact-match allowlist; empty = no OAuth client can be authorized. */
  redirectUris: z.array(oauthRedirectUriSchema).max(50, "at most 50 redirect URIs").transform(dedupe).optional(),
  /** Empty = any registered client. */
  clientIds: z.array(oauthClientIdSchema).max(50, "at most 50 client ids").transform(dedupe).optional(),
  /** The ceiling of what a connection may be granted. */
  scopes: z.array(oauthScopeSchema).max(100, "at most 100 scopes").transform(dedupe).optional(),
});

export type OAuthPolicyView = { mcpEnabled: boolean; redirectUris: string[]; clientIds: string[]; scopes: string[] };
export type OAuthPolicyInput = z.input<typeof oauthPolicyInput>;

const FIELD_LABEL: Record<keyof OAuthPolicyView, string> = { mcpEnabled: "MCP enabled", redirectUris: "redirect URIs", clientIds: "client ids", scopes: "scopes" };

const policySelect = { orgId: true, mcpEnabled: true, oauthRedirectUris: true, oauthClientIds: true, oauthScopes: true } as const;

function toPolicy(row: { mcpEnabled: boolean; oauthRedirectUris: string[]; oauthClientIds: string[]; oauthScopes: string[] }): OAuthPolicyView {
  return { mcpEnabled: row.mcpEnabled, redirectUris: row.oauthRedirectUris, clientIds: row.oauthClientIds, scopes: row.oauthScopes };
}

/** The project's current OAuth policy; another tenant's or an unknown project is not found. */
export async function getOAuthPolicy(db: Db, projectId: string): Promise<OAuthPolicyView> {
  const row = await db.project.findFirst({ where: { id: projectId }, select: policySelect });
  if (!row) throw new AppError("not_found", "project not found");
  return toPolicy(row);
}

/**
 * Validates raw input and returns it normalised (trimmed, deduplicated), or throws a
 * `bad_request` AppError whose message names the field and the offending value.
 */
export function parseOAuthPolicyInput(raw: unknown): z.output<typeof oauthPolicyInput> {
  const parsed = oauthPolicyInput.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = FIELD_LABEL[issue.path[0] as keyof OAuthPolicyView] ?? String(issue.path[0] ?? "input");
  throw new AppError("bad_request", `${field}: ${issue.message}`);
}

/**
 * Changes a project's OAuth policy (partial: fields left out stay). In one transaction it
 * writes the policy, moves the configuration version and records `oauth_policy.update` with
 * the changed fields before and after. The gateway checks every OAuth access token against
 * the current policy on every call, so tightening it (MCP disabled, a lower ceiling, a client
 * removed) makes tokens that exceed it fail with `Token validation failed` at once.
 */
export async function setOAuthPolicy(db: Db, input: OAuthPolicyInput & { projectId: string; actor: AuditActor }) {
  const { projectId, actor, ...fields } = input;
  const next = parseOAuthPolicyInput(fields);
  return db.$transaction(async (tx) => {
    const row = await tx.project.findFirst({ where: { id: projectId }, select: policySelect });
    if (!row) throw new AppError("not_found", "project not found");
    const before = toPolicy(row);
    const changed = (Object.keys(FIELD_LABEL) as Array<keyof OAuthPolicyView>).filter((key) => next[key] !== undefined && JSON.stringify(next[key]) !== JSON.stringify(before[key]));
    if (changed.length === 0) return { before, after: before, changed };
    const after: OAuthPolicyView = { ...before, ...Object.fromEntries(changed.map((key) => [key, next[key]])) };
    await tx.project.update({
      where: { id: projectId },
      data: { mcpEnabled: after.mcpEnabled, oauthRedirectUris: after.redirectUris, oauthClientIds: after.clientIds, oauthScopes: after.scopes },
    });
    await bumpConfigVersion(tx, projectId);
    const pick = (policy: OAuthPolicyView) => Object.fromEntries(changed.map((key) => [key, policy[key]]));
    await recordAudit(tx, { orgId: row.orgId, projectId, actor, action: "oauth_policy.update", targetType: "project", targetId: projectId, details: { changed, before: pick(before), after: pick(after) } });
    return { before, after, changed };
  });
}
