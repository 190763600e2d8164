"use client";
import type { Role } from "@tengine/core";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { OneTimeSecret } from "@/components/settings/one-time-secret.tsx";
import { Button, Field, FormError, Input, Select, useActionForm } from "@/components/ui/index.ts";
import { addMemberAction } from "@/server/actions/members.ts";
import { assignableRoles, ROLE_SUMMARY } from "./roles.ts";

type Added = { email: string; role: string; userCreated: boolean; temporaryPassword?: string };

/**
 * Adds a person by email. Someone without an account gets one, with a temporary password that
 * is shown here once for the admin to hand over privately.
 */
export function AddMemberForm({ orgSlug, actorRole, loginUrl }: { orgSlug: string; actorRole: Role; loginUrl: string }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const roles = assignableRoles(actorRole);
  const [role, setRole] = useState<Role>(roles.includes("member") ? "member" : roles[0]!);
  const { error, fields, pending, submit } = useActionForm();
  const [added, setAdded] = useState<Added>();

  return (
    <div className="space-y-4">
      {added?.temporaryPassword ? (
        <OneTimeSecret label={`Temporary password for ${added.email}`} value={added.temporaryPassword} note="We keep only a hash of it." onDone={() => setAdded(undefined)}>
          <p>
            We created an account for <strong>{added.email}</strong> ({added.role}). Send them this password over a private channel; they sign in at <code className="font-mono">{loginUrl}</code> with their email and this password.
          </p>
        </OneTimeSecret>
      ) : added ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          {added.email} already had an account and was added as {added.role}. They see this organization the next time they load the dashboard.
        </p>
      ) : null}
      <form
        ref={form}
        className="space-y-4"
        onSubmit={async (event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          setAdded(undefined);
          const result = await submit(() => addMemberAction(orgSlug, { email: String(data.get("email") ?? ""), name: String(data.get("name") ?? ""), role }));
          if (!result) return;
          setAdded(result.data);
          form.current?.reset();
          router.refresh();
        }}
      >
        <FormError message={error} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Email" htmlFor="member-email" error={fields.email}>
            <Input id="member-email" name="email" type="email" autoComplete="off" placeholder="ada@example.com" required invalid={!!fields.email} />
          </Field>
          <Field label="Name (optional)" htmlFor="member-name" error={fields.name} hint="Used only if we create their account.">
            <Input id="member-name" name="name" autoComplete="off" placeholder="Ada Lovelace" maxLength={100} invalid={!!fields.name} />
          </Field>
        </div>
        <Field label="Role" htmlFor="member-role" error={fields.role} hint={ROLE_SUMMARY[role]}>
          <Select id="member-role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} invalid={!!fields.role} className="sm:max-w-xs">
            {roles.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </Select>
        </Field>
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <Button type="submit" pending={pending}>Add member</Button>
          <p className="text-xs text-slate-500">No account for this email yet? We create one and show you a temporary password, once.</p>
        </div>
      </form>
    </div>
  );
}
