"use client";
import type { Role } from "@tengine/core";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, ConfirmButton, CopyButton, Field, FormError, Input, Select, useActionForm } from "@/components/ui/index.ts";
import { createInvitationAction, revokeInvitationAction } from "@/server/actions/members.ts";
import { assignableRoles, ROLE_SUMMARY } from "./roles.ts";

type Invitation = { id: string; email: string; role: string; expiresLabel: string };

/**
 * Invites a person by link: they choose their own password when they open it (or accept with
 * their existing account). The link is shown once here; with SMTP configured it is also emailed.
 */
export function InviteForm({ orgSlug, actorRole, open }: { orgSlug: string; actorRole: Role; open: Invitation[] }) {
  const router = useRouter();
  const roles = assignableRoles(actorRole);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(roles.includes("member") ? "member" : roles[0]!);
  const [link, setLink] = useState<{ email: string; url: string; emailed: boolean }>();
  const { error, fields, pending, submit } = useActionForm();
  return (
    <div className="space-y-4">
      {link ? (
        <div role="status" className="space-y-2 rounded-md bg-emerald-50 px-3 py-3 text-sm text-emerald-900 ring-1 ring-inset ring-emerald-200">
          <p>
            {link.emailed ? `Emailed to ${link.email}. If it does not arrive, send them this link yourself.` : `Send this link to ${link.email}.`} It works once, for 7 days, and is not shown again.
          </p>
          <div className="flex items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="invitation-link">{link.url}</code>
            <CopyButton value={link.url} label="Copy link" />
          </div>
        </div>
      ) : null}
      <form
        aria-label="Invite by link"
        className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] sm:items-start"
        onSubmit={async (event) => {
          event.preventDefault();
          setLink(undefined);
          const result = await submit(() => createInvitationAction(orgSlug, { email, role }));
          if (!result?.data) return;
          setLink({ email: result.data.email, url: result.data.link, emailed: result.data.emailed });
          setEmail("");
          router.refresh();
        }}
        noValidate
      >
        <div className="sm:col-span-3"><FormError message={error} /></div>
        <Field label="Email to invite" htmlFor="invite-email" error={fields.email}>
          <Input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" placeholder="grace@example.com" invalid={!!fields.email} />
        </Field>
        <Field label="Invited role" htmlFor="invite-role" error={fields.role} hint={ROLE_SUMMARY[role]}>
          <Select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </Select>
        </Field>
        <div className="sm:pt-6"><Button type="submit" pending={pending} disabled={!email.trim()}>Create invitation link</Button></div>
      </form>
      {open.length ? (
        <ul aria-label="Open invitations" className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
          {open.map((invitation) => (
            <li key={invitation.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
              <span className="min-w-0 truncate">{invitation.email} <span className="text-slate-500">· {invitation.role} · expires {invitation.expiresLabel}</span></span>
              <ConfirmButton
                size="sm"
                variant="secondary"
                aria-label={`Withdraw the invitation for ${invitation.email}`}
                title={`Withdraw the invitation for ${invitation.email}?`}
                confirmLabel="Withdraw"
                body={<p>The link stops working at once.</p>}
                onConfirm={async () => {
                  const result = await revokeInvitationAction(orgSlug, { invitationId: invitation.id });
                  if (!result.ok) return result.error;
                  router.refresh();
                }}
              >
                Withdraw
              </ConfirmButton>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
