import { roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { ImportFlow } from "@/components/openapi/import-flow.tsx";
import { EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Import OpenAPI" };

export default async function ImportOpenApiPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, role } = await loadProject(slug);
  const back = `/projects/${project.slug}/tools`;
  return (
    <div className="mx-auto max-w-4xl">
      <PageReady />
      <Link href={back} className="text-sm text-slate-500 hover:text-slate-800">← Tools</Link>
      <PageHeader
        title="Import from OpenAPI"
        description="Turn every operation of an API description into a tool. You see what would be added, changed and removed before anything is saved; importing the same document again changes nothing, and edits made here to imported tools are kept."
      />
      {roleAtLeast(role, "member") ? (
        <ImportFlow slug={project.slug} httpsOnly={!project.allowHttpUpstreams} />
      ) : (
        <EmptyState title="Members import tools" action={<Link href={back} className="text-sm font-medium text-indigo-600 hover:underline">Back to tools</Link>}>
          <p>
            An import reads an OpenAPI 3.0, 3.1 or Swagger 2.0 document (a file, a URL or pasted text), shows which tools it would add, change or remove, and
            applies that after a review.
          </p>
          <p className="mt-2">You are a viewer in this organization. Ask an admin for the member role to import.</p>
        </EmptyState>
      )}
    </div>
  );
}
