import { roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { plural } from "@/components/format/plural.ts";
import { CreateProjectForm } from "@/components/projects/create-project-form.tsx";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/index.ts";
import { loadCurrentOrg } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";
import { dashboardConfig } from "@/server/env.ts";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const { current } = await loadCurrentOrg();
  if (!current) return <EmptyState title="You are not in any organization">Ask an admin to add you, or sign up again to create one.</EmptyState>;
  const projects = await getDb().project.findMany({
    where: { orgId: current.id },
    orderBy: { name: "asc" },
    select: { id: true, name: true, slug: true, createdAt: true, _count: { select: { tools: true, apiKeys: { where: { revokedAt: null } } } } },
  });
  const gateway = dashboardConfig().gatewayUrl;
  const canCreate = roleAtLeast(current.role, "admin");
  return (
    <>
      <PageHeader title="Projects" description={`Each project is one MCP server: its own tools, keys, policy and runs. ${current.name} · you are ${current.role}.`} />
      {projects.length === 0 ? (
        <EmptyState title="No projects yet">{canCreate ? "Create one below, then add a tool and an API key to connect a client." : "An admin of this organization can create one."}</EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2">
          {projects.map((p) => (
            <li key={p.id}>
              <Link href={`/projects/${p.slug}`} className="block rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium text-slate-900">{p.name}</span>
                  <span className="flex gap-1">
                    <Badge>{plural(p._count.tools, "tool")}</Badge>
                    <Badge>{plural(p._count.apiKeys, "key")}</Badge>
                  </span>
                </div>
                <p className="mt-2 truncate font-mono text-xs text-slate-500">{`${gateway}/p/${p.slug}/mcp`}</p>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {canCreate ? (
        <Card title="New project" className="mt-8">
          <CreateProjectForm orgSlug={current.slug} />
        </Card>
      ) : null}
    </>
  );
}
