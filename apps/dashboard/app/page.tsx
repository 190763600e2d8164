import { listProjectSummaries, type ProjectSummary } from "../src/server/list-projects.ts";

// Projects change under the page (CLI, other replicas): always read them per request.
export const dynamic = "force-dynamic";

const CLI_EXAMPLES = [
  'npx tengine projects create "Billing API" --slug billing',
  "npx tengine keys create --project billing --name ci",
  "npx tengine tools create --project billing --file tool.json",
  "npx tengine runs list --project billing",
];

export default async function HomePage() {
  const result = await listProjectSummaries();
  return (
    <div className="space-y-8">
      <section>
        <h1 className="text-2xl font-semibold tracking-tight">Projects</h1>
        <p className="mt-1 text-sm text-slate-500">Each project is served to MCP clients at its own URL.</p>
      </section>

      {result.ok ? <ProjectList projects={result.projects} /> : <Unavailable reason={result.reason} detail={result.detail} />}

      <section className="rounded-lg border border-amber-200 bg-amber-50 p-5">
        <p className="text-sm text-amber-900">
          The full admin dashboard arrives with the dashboard issue; use the <code className="font-mono font-semibold">tengine</code> CLI
          meanwhile:
        </p>
        <pre className="mt-3 overflow-x-auto rounded bg-slate-900 p-4 font-mono text-xs leading-6 text-slate-100">
          {CLI_EXAMPLES.map((line) => `$ ${line}`).join("\n")}
        </pre>
      </section>
    </div>
  );
}

function ProjectList({ projects }: { projects: ProjectSummary[] }) {
  if (projects.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-500">
        No projects yet. Create one with <code className="font-mono">npx tengine projects create &lt;name&gt;</code>.
      </p>
    );
  }
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-3 font-medium">Project</th>
            <th className="px-4 py-3 font-medium">Slug</th>
            <th className="px-4 py-3 font-medium">MCP URL</th>
            <th className="px-4 py-3 text-right font-medium">Tools</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {projects.map((p) => (
            <tr key={p.id}>
              <td className="px-4 py-3">
                <div className="font-medium">{p.name}</div>
                <div className="text-xs text-slate-500">{p.orgName}</div>
              </td>
              <td className="px-4 py-3 font-mono text-xs">{p.slug}</td>
              <td className="px-4 py-3 font-mono text-xs break-all text-slate-700">{p.mcpUrl}</td>
              <td className="px-4 py-3 text-right tabular-nums">{p.toolCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Unavailable({ reason, detail }: { reason: "misconfigured" | "database_unavailable"; detail: string }) {
  return (
    <div className="rounded-lg border border-rose-200 bg-rose-50 p-5 text-sm text-rose-900" role="alert">
      <p className="font-medium">
        {reason === "misconfigured" ? "The dashboard is not configured." : "The database is not reachable right now."}
      </p>
      <p className="mt-1 whitespace-pre-wrap text-rose-800">{detail}</p>
      <p className="mt-2 text-rose-700">Projects will show here once it is; reload the page to try again.</p>
    </div>
  );
}
