import { listMembers, listOpenInvitations, ROLES, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import { relativeTime } from "@/components/format/relative-time.ts";
import { AddMemberForm } from "@/components/org/add-member-form.tsx";
import { InviteForm } from "@/components/org/invite-form.tsx";
import { MembersTable } from "@/components/org/members-table.tsx";
import { ROLE_SUMMARY } from "@/components/org/roles.ts";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadCurrentOrg } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const { user, current } = await loadCurrentOrg();
  if (!current) return <EmptyState title="You are not in any organization">Ask an admin to add you, or sign up again to create one.</EmptyState>;
  const canManage = roleAtLeast(current.role, "admin");
  const [members, invitations] = await Promise.all([listMembers(getDb(), current.id), canManage ? listOpenInvitations(getDb(), current.id) : []]);
  const now = Date.now();
  return (
    <>
      <PageReady />
      <PageHeader
        title="Members"
        description={`The people of ${current.name} and what they may do in all its projects. You are ${current.role === "admin" || current.role === "owner" ? "an" : "a"} ${current.role}.`}
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <MembersTable
            orgSlug={current.slug}
            actorRole={current.role}
            currentUserId={user.id}
            members={members.map((m) => ({ id: m.id, userId: m.userId, email: m.email, name: m.name, role: m.role, joinedAt: m.joinedAt.toISOString() }))}
          />
          {canManage ? (
            <Card title="Add a member" description={current.role === "owner" ? "Owners can give any role." : "Admins can add members and viewers; an owner adds admins and owners."}>
              <AddMemberForm orgSlug={current.slug} actorRole={current.role} loginUrl={`${dashboardConfig().dashboardUrl}/login`} />
            </Card>
          ) : null}
          {canManage ? (
            <Card title="Invite by link" description="They open the link, choose their own password (or accept with the account they have) and join with the role you pick.">
              <InviteForm orgSlug={current.slug} actorRole={current.role} open={invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresLabel: relativeTime(i.expiresAt, now) }))} />
            </Card>
          ) : (
            <p className="text-sm text-slate-500">Only admins and owners can add, change or remove members.</p>
          )}
        </div>
        <Card title="Roles" className="self-start">
          <dl className="space-y-3">
            {[...ROLES].reverse().map((role) => (
              <div key={role}>
                <dt><Badge color={role === "viewer" ? "gray" : role === "member" ? "green" : "blue"}>{role}</Badge></dt>
                <dd className="mt-1 text-sm text-slate-600">{ROLE_SUMMARY[role]}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-4 border-t border-slate-100 pt-3 text-xs text-slate-500">An organization always keeps at least one owner.</p>
        </Card>
      </div>
    </>
  );
}
