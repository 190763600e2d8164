/** Organization roles, weakest first (DESIGN §3). */
export const ROLES = ["viewer", "member", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do (docs/dashboard.md):
 * - viewer: read everything of the organization's projects;
 * - member: also create and edit tools, try them, create and revoke API keys;
 * - admin: also create projects, change project settings and signing secrets, manage members
 *   (except owners), read the audit log;
 * - owner: also manage owners and admins.
 */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
