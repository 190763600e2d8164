import type { Db } from "@tengine/db";
import { memberSelect, type MemberView, toMemberView } from "./member-rules.ts";

/** The organization's members, owners first, then by email. */
export async function listMembers(db: Db, orgId: string): Promise<MemberView[]> {
  const rows = await db.membership.findMany({ where: { orgId }, select: memberSelect, orderBy: { user: { email: "asc" } } });
  const rank = { owner: 0, admin: 1, member: 2, viewer: 3 } as const;
  return rows.map(toMemberView).sort((a, b) => rank[a.role] - rank[b.role]);
}
