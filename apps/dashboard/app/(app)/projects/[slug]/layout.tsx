import type { ReactNode } from "react";
import { NavLink } from "@/components/shell/nav-link.tsx";
import { Badge } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, org, role } = await loadProject(slug);
  const base = `/projects/${project.slug}`;
  return (
    <div>
      <div className="mb-6">
        <p className="text-xs text-slate-500">{org.name}</p>
        <div className="flex items-center gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">{project.name}</h1>
          <Badge color={role === "viewer" ? "gray" : "blue"}>{role}</Badge>
        </div>
        <nav aria-label="Project" className="mt-4 flex gap-5 overflow-x-auto border-b border-slate-200">
          <NavLink variant="tab" href={base} exact>Overview</NavLink>
          <NavLink variant="tab" href={`${base}/tools`}>Tools</NavLink>
          <NavLink variant="tab" href={`${base}/keys`}>API keys</NavLink>
          <NavLink variant="tab" href={`${base}/runs`}>Runs</NavLink>
          <NavLink variant="tab" href={`${base}/settings`}>Settings</NavLink>
        </nav>
      </div>
      {children}
    </div>
  );
}
