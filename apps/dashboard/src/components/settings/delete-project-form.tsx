"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { deleteProjectAction } from "@/server/actions/projects.ts";

/** Deleting the project: typed confirmation (its slug), then back to the projects list. */
export function DeleteProjectForm({ slug, name }: { slug: string; name: string }) {
  const router = useRouter();
  const [confirm, setConfirm] = useState("");
  const { error, fields, pending, submit } = useActionForm();
  return (
    <form
      aria-label="Delete project"
      className="space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-red-200"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await submit(() => deleteProjectAction(slug, { confirm }));
        if (!result) return;
        router.push(`/projects?deleted=${encodeURIComponent(name)}`);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <p className="text-sm text-slate-700">
        Deletes <strong>{name}</strong> with its tools, API keys, secrets, MCP servers, runs and approvals. Clients using it get errors at once. The audit log keeps a record. This cannot be undone.
      </p>
      <Field label={`Type ${slug} to confirm`} htmlFor="delete-project-confirm" error={fields.confirm}>
        <Input id="delete-project-confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" spellCheck={false} className="max-w-xs font-mono" invalid={!!fields.confirm} />
      </Field>
      <Button type="submit" variant="danger" pending={pending} disabled={confirm.trim() !== slug}>Delete this project</Button>
    </form>
  );
}
