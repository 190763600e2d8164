"use client";
import type { Role } from "@tengine/core";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Badge, ConfirmButton, Select, Spinner, Table, Td } from "@/components/ui/index.ts";
import { changeMemberRoleAction, removeMemberAction } from "@/server/actions/members.ts";
import { formatDate } from "./format.ts";
import { assignableRoles, mayManage } from "./roles.ts";

export type MemberRow = { id: string; userId: string; email: string; name: string | null; role: Role; joinedAt: string };

const ROLE_COLOR = { owner: "blue", admin: "blue", member: "green", viewer: "gray" } as const;

/** The organization's people; the role select and Remove show only where the viewer may act. */
export function MembersTable({ orgSlug, members, actorRole, currentUserId }: { orgSlug: string; members: MemberRow[]; actorRole: Role; currentUserId: string }) {
  const owners = members.filter((m) => m.role === "owner").length;
  return (
    <Table head={["Member", "Role", "Joined", <span key="a" className="relative"><span className="sr-only">Actions</span></span>]}>
      {members.map((m) => (
        <MemberRowView key={m.id} orgSlug={orgSlug} member={m} actorRole={actorRole} isYou={m.userId === currentUserId} isLastOwner={m.role === "owner" && owners === 1} />
      ))}
    </Table>
  );
}

function MemberRowView({ orgSlug, member, actorRole, isYou, isLastOwner }: { orgSlug: string; member: MemberRow; actorRole: Role; isYou: boolean; isLastOwner: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [selected, setSelected] = useState<Role>(member.role);
  useEffect(() => setSelected(member.role), [member.role]);
  const editable = mayManage(actorRole, member.role);
  const label = member.name ? `${member.name} (${member.email})` : member.email;

  return (
    <tr>
      <Td>
        <div className="flex items-center gap-3">
          <span aria-hidden className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold uppercase text-indigo-700">
            {(member.name ?? member.email).slice(0, 1)}
          </span>
          <div className="min-w-0">
            <div className="flex items-center gap-1.5 font-medium text-slate-900">
              {member.name ?? member.email.split("@")[0]}
              {isYou ? <Badge>you</Badge> : null}
            </div>
            <div className="text-xs text-slate-500">{member.email}</div>
          </div>
        </div>
      </Td>
      <Td>
        {editable && !isLastOwner ? (
          <div className="flex w-44 items-center gap-2">
            <Select
              aria-label={`Role of ${member.email}`}
              value={selected}
              disabled={pending}
              className="py-1.5"
              onChange={async (event) => {
                const role = event.target.value as Role;
                setSelected(role);
                setPending(true);
                setError(undefined);
                setNotice(undefined);
                const result = await changeMemberRoleAction(orgSlug, { membershipId: member.id, role });
                setPending(false);
                if (!result.ok) {
                  setError(result.error);
                  setSelected(member.role);
                  return;
                }
                setNotice("Saved");
                router.refresh();
              }}
            >
              {/* the member's current role stays listed even if the actor could not give it */}
              {[...new Set<Role>([member.role, ...assignableRoles(actorRole)])].map((r) => (
                <option key={r} value={r}>{r}</option>
              ))}
            </Select>
            {pending ? <Spinner /> : null}
            {notice && !pending ? <span role="status" className="text-xs text-emerald-700">{notice}</span> : null}
          </div>
        ) : (
          <span className="inline-flex items-center gap-2">
            <Badge color={ROLE_COLOR[member.role]}>{member.role}</Badge>
            {isLastOwner ? <span className="text-xs text-slate-500">only owner</span> : null}
          </span>
        )}
        {error ? <p role="alert" className="mt-1 max-w-xs whitespace-normal text-xs text-red-600">{error}</p> : null}
      </Td>
      <Td className="text-xs">{formatDate(member.joinedAt)}</Td>
      <Td>
        <div className="flex justify-end whitespace-normal text-left">
          {editable && !isLastOwner ? (
            <ConfirmButton
              size="sm"
              variant="secondary"
              aria-label={`Remove ${member.email}`}
              title={isYou ? "Leave this organization?" : `Remove ${member.email}?`}
              confirmLabel={isYou ? "Leave organization" : "Remove member"}
              body={
                isYou ? (
                  <p>You lose access to this organization&apos;s projects at once. Another owner can add you again.</p>
                ) : (
                  <p>
                    {label} loses access to every project of this organization at once. Their account stays, with any other organizations it belongs to; API keys they created keep working until you revoke them.
                  </p>
                )
              }
              onConfirm={async () => {
                const result = await removeMemberAction(orgSlug, { membershipId: member.id });
                if (!result.ok) return result.error;
                if (isYou) router.push("/projects");
                router.refresh();
              }}
            >
              {isYou ? "Leave" : "Remove"}
            </ConfirmButton>
          ) : null}
        </div>
      </Td>
    </tr>
  );
}
