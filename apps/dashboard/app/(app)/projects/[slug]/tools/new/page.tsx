import { roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { ToolEditor } from "@/components/tools/tool-editor.tsx";
import { EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";

export const metadata: Metadata = { title: "New tool" };

export default async function NewToolPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role } = await loadProject(slug);
  const back = `/projects/${project.slug}/tools`;
  if (!roleAtLeast(role, "member")) {
    return (
      <EmptyState title="Members create tools" action={<Link href={back} className="text-sm font-medium text-indigo-600 hover:underline">Back to tools</Link>}>
        You are a viewer in this organization. Ask an admin for the member role.
      </EmptyState>
    );
  }
  return (
    <div className="mx-auto max-w-3xl">
      <Link href={back} className="text-sm text-slate-500 hover:text-slate-800">← Tools</Link>
      <PageHeader title="New tool" description="Describe one HTTP request. After creating it you can try it right away." />
      <ToolEditor slug={project.slug} />
    </div>
  );
}
