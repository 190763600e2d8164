"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { changePasswordAction } from "@/server/actions/account.ts";

/** Current password, new password twice. `forced`: the account still has an admin's temporary password. */
export function ChangePasswordForm({ forced }: { forced?: boolean }) {
  const router = useRouter();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [done, setDone] = useState<string>();
  const { error, fields, pending, submit } = useActionForm();
  const mismatch = again !== "" && again !== next ? "The two new passwords differ" : undefined;
  return (
    <form
      aria-label="Change password"
      className="max-w-md space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      onSubmit={async (event) => {
        event.preventDefault();
        setDone(undefined);
        if (next !== again) return;
        const result = await submit(() => changePasswordAction({ currentPassword: current, newPassword: next }));
        if (!result) return;
        setCurrent("");
        setNext("");
        setAgain("");
        setDone(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <Field label={forced ? "Temporary password" : "Current password"} htmlFor="password-current" error={fields.currentPassword}>
        <Input id="password-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} invalid={!!fields.currentPassword} />
      </Field>
      <Field label="New password" htmlFor="password-new" error={fields.newPassword} hint="At least 10 characters.">
        <Input id="password-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} invalid={!!fields.newPassword} />
      </Field>
      <Field label="New password again" htmlFor="password-again" liveError={mismatch}>
        <Input id="password-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} invalid={!!mismatch} />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending} disabled={!current || !next || next !== again}>{forced ? "Set my password" : "Change password"}</Button>
        {done ? <p role="status" className="text-sm text-emerald-700">{done}</p> : null}
      </div>
    </form>
  );
}
