"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { createKeyAction } from "@/server/actions/keys.ts";
import { NewKeyPanel } from "./new-key-panel.tsx";

type Created = { name: string; key: string };

/** Creates a key; the plaintext is shown once, in a panel above the form, until dismissed. */
export function CreateKeyForm({ slug, mcpUrl }: { slug: string; mcpUrl: string }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const { error, fields, pending, submit } = useActionForm();
  const [created, setCreated] = useState<Created>();

  return (
    <div className="space-y-5">
      {created ? <NewKeyPanel name={created.name} apiKey={created.key} mcpUrl={mcpUrl} slug={slug} onDone={() => setCreated(undefined)} /> : null}
      <form
        ref={form}
        noValidate
        className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)_minmax(0,0.8fr)_auto] md:items-start"
        onSubmit={async (event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const day = String(data.get("expires") ?? "");
          const result = await submit(() => createKeyAction(slug, {
            name: String(data.get("name") ?? ""),
            scopes: String(data.get("scopes") ?? ""),
            // The key works through the whole chosen day, in the admin's own time zone.
            expiresAt: day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined,
          }));
          if (!result) return;
          setCreated(result.data as Created);
          form.current?.reset();
          router.refresh();
        }}
      >
        <div className="md:col-span-4">
          <FormError message={error} />
        </div>
        <Field label="Name" htmlFor="key-name" error={fields.name} hint="Where the key is used, e.g. “production backend”">
          <Input id="key-name" name="name" placeholder="production backend" maxLength={100} required invalid={!!fields.name} />
        </Field>
        <Field label="Scopes (optional)" htmlFor="key-scopes" error={fields.scopes} hint="Comma-separated resource:read or resource:write. Empty: full access.">
          <Input id="key-scopes" name="scopes" placeholder="contacts:read, deals:write" autoComplete="off" spellCheck={false} invalid={!!fields.scopes} />
        </Field>
        <Field label="Expires (optional)" htmlFor="key-expires" error={fields.expiresAt} hint="Works through the end of this day">
          <Input id="key-expires" name="expires" type="date" invalid={!!fields.expiresAt} />
        </Field>
        <div className="md:pt-6">
          <Button type="submit" pending={pending}>Create key</Button>
        </div>
      </form>
    </div>
  );
}
