"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { setSecretAction } from "@/server/actions/secrets.ts";

/**
 * Sets a new secret or rotates one (the name of an existing one): the value is sent once and
 * cleared from the form as soon as it is saved — nothing shows it again.
 */
export function SecretForm({ slug, rotating }: { slug: string; rotating?: string }) {
  const router = useRouter();
  const [name, setName] = useState(rotating ?? "");
  const [value, setValue] = useState("");
  const [saved, setSaved] = useState<string>();
  const { error, fields, pending, submit } = useActionForm();
  useEffect(() => {
    if (!rotating) return;
    setName(rotating);
    document.getElementById("secret-value")?.focus();
  }, [rotating]);

  return (
    <form
      aria-label="Set a secret"
      className="space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => setSecretAction(slug, { name, value }));
        if (!result) return;
        setValue("");
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="secret-name" error={fields.name} hint="Used in header templates as {{secrets.NAME}}.">
          <Input id="secret-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} invalid={!!fields.name} placeholder="CRM_TOKEN" />
        </Field>
        <Field label="Value" htmlFor="secret-value" error={fields.value} hint="Encrypted when saved and never shown again.">
          <Input id="secret-value" type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" invalid={!!fields.value} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending} disabled={!name.trim() || !value}>Save secret</Button>
        {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
      </div>
    </form>
  );
}
