import type { Role } from "@tengine/core";

/** What each role may do, in the words of the members page (mirrors core access/roles.ts). */
export const ROLE_SUMMARY: Record<Role, string> = {
  owner: "Everything, including managing admins and other owners.",
  admin: "Creates projects, changes settings and signing secrets, manages members and viewers, reads the audit log.",
  member: "Creates and edits tools, uses Try it, creates and revokes API keys.",
  viewer: "Reads projects, tools, keys and runs; changes nothing.",
};

const ORDER: Role[] = ["owner", "admin", "member", "viewer"];

/** The roles `actor` may give (admins: member and viewer; owners: any). */
export function assignableRoles(actor: Role): Role[] {
  if (actor === "owner") return ORDER;
  if (actor === "admin") return ["member", "viewer"];
  return [];
}

/** Whether `actor` may change or remove someone who has `target` (the server checks again). */
export function mayManage(actor: Role, target: Role): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && (target === "member" || target === "viewer");
}
