"use client";
import { useRouter } from "next/navigation";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { createProjectAction } from "@/server/actions/projects.ts";

export function CreateProjectForm({ orgSlug }: { orgSlug: string }) {
  const router = useRouter();
  const { error, fields, pending, submit } = useActionForm();
  return (
    <form
      className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const result = await submit(() => createProjectAction(orgSlug, { name: String(form.get("name") ?? ""), slug: String(form.get("slug") ?? "") }));
        if (result) router.push(`/projects/${(result.data as { slug: string }).slug}`);
      }}
    >
      <div className="sm:col-span-3"><FormError message={error} /></div>
      <Field label="Project name" htmlFor="project-name" error={fields.name}>
        <Input id="project-name" name="name" placeholder="Billing API" required invalid={!!fields.name} />
      </Field>
      <Field label="Slug (optional)" htmlFor="project-slug" hint="Part of the MCP URL: /p/<slug>/mcp" error={fields.slug}>
        <Input id="project-slug" name="slug" placeholder="billing" invalid={!!fields.slug} />
      </Field>
      <div className="sm:pt-6"><Button type="submit" pending={pending}>Create project</Button></div>
    </form>
  );
}
