import { countPendingApprovals } from "@tengine/core";
import type { ReactNode } from "react";
import { NavLink } from "@/components/shell/nav-link.tsx";
import { Badge } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project, org, role } = await loadProject(slug);
  const base = `/projects/${project.slug}`;
  const pendingApprovals = await countPendingApprovals(getDb(), project.id);
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
          <NavLink variant="tab" href={`${base}/mcp-servers`}>MCP servers</NavLink>
          <NavLink variant="tab" href={`${base}/keys`}>API keys</NavLink>
          <NavLink variant="tab" href={`${base}/secrets`}>Secrets</NavLink>
          <NavLink variant="tab" href={`${base}/runs`}>Runs</NavLink>
          <NavLink variant="tab" href={`${base}/approvals`}>
            Approvals{pendingApprovals ? <span className="ml-1.5 rounded-full bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800" aria-label={`${pendingApprovals} pending`}>{pendingApprovals}</span> : null}
          </NavLink>
          <NavLink variant="tab" href={`${base}/oauth`}>OAuth</NavLink>
          <NavLink variant="tab" href={`${base}/settings`}>Settings</NavLink>
        </nav>
      </div>
      {children}
    </div>
  );
}
