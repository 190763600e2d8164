import { Card, Code, CopyButton } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { dashboardConfig } from "@/server/env.ts";

// Placeholder overview; the overview helper replaces it with setup snippets and charts.
export default async function ProjectOverview({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { project } = await loadProject(slug);
  const url = `${dashboardConfig().gatewayUrl}/p/${project.slug}/mcp`;
  return (
    <Card title="MCP URL">
      <div className="flex items-center gap-2"><Code>{url}</Code><CopyButton value={url} /></div>
    </Card>
  );
}
