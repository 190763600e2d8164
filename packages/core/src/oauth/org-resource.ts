import type { Db } from "@tengine/db";
import { PLATFORM_FAMILY_NAMES, PLATFORM_FAMILIES, type PlatformActionSpec } from "../platform/platform-families.ts";
import { platformScope } from "../platform/platform-scopes.ts";
import { oauthPolicySelect, scopesWithinCeiling } from "./oauth-policy.ts";

/** The MCP URL of an organization's endpoint: the RFC 8707 resource (and token audience) of its OAuth grants. */
export function orgResource(issuer: string, orgSlug: string): string {
  return `${issuer}/o/${orgSlug}/mcp`;
}

/** The organization slug of a canonical organization MCP URL of this issuer, or undefined. */
export function orgSlugFromResource(issuer: string, resource: string): string | undefined {
  const prefix = `${issuer}/o/`;
  if (!resource.startsWith(prefix) || !resource.endsWith("/mcp")) return undefined;
  const slug = resource.slice(prefix.length, -"/mcp".length);
  return /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(slug) ? slug : undefined;
}

/** The platform scopes of the families served on the organization endpoint (projects, members, audit): reads, and writes where a family has a write action. */
export const ORG_PLATFORM_SCOPES: readonly string[] = PLATFORM_FAMILY_NAMES.filter((f) => PLATFORM_FAMILIES[f].surface === "org").flatMap((f) => {
  const writes = Object.values(PLATFORM_FAMILIES[f].actions as Record<string, PlatformActionSpec>).some((a) => a.write);
  return writes ? [platformScope(f, false), platformScope(f, true)] : [platformScope(f, false)];
});

/**
 * What an OAuth grant on the organization endpoint may hold: the organization families' scopes
 * that the home project's ceiling lists (the admin opts in there, as for any scope).
 */
export function orgOAuthScopes(ceiling: readonly string[]): string[] {
  return ORG_PLATFORM_SCOPES.filter((s) => scopesWithinCeiling([s], ceiling));
}

/**
 * An organization's home project: its oldest. Its OAuth policy (MCP on, clients, redirect URIs,
 * scope ceiling) governs OAuth on the organization endpoint, and calls made there with an OAuth
 * connection are its runs. Null when the organization is unknown or has no project yet.
 */
export async function findHomeProject(db: Db, orgSlug: string) {
  return db.project.findFirst({ where: { org: { slug: orgSlug } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, slug: true, orgId: true, ...oauthPolicySelect } });
}
