import Link from "next/link";
import type { AuditQuery } from "./audit-filters.ts";

const field = "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600";

/**
 * The audit log's filters: a plain GET form (works before any script loads; the URL is the
 * filter, so it can be shared), with the export of the filtered entries beside it.
 */
export function AuditFilterForm({ query, projects, exportHref }: { query: AuditQuery; projects: { slug: string; name: string }[]; exportHref: string }) {
  return (
    <form method="get" action="/org/audit" aria-label="Filter the audit log" className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 md:grid-cols-6">
      <label className="col-span-2 space-y-1.5 text-sm font-medium text-slate-800">
        <span className="block">Who (email)</span>
        <input name="actor" type="email" defaultValue={query.actor ?? ""} placeholder="admin@example.com" className={field} />
      </label>
      <label className="space-y-1.5 text-sm font-medium text-slate-800">
        <span className="block">Action</span>
        <input name="action" defaultValue={query.action ?? ""} placeholder="tool.* or tool.update" className={`${field} font-mono`} />
      </label>
      <label className="space-y-1.5 text-sm font-medium text-slate-800">
        <span className="block">Project</span>
        <select name="project" defaultValue={query.project ?? ""} className={field}>
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p.slug} value={p.slug}>{p.name}</option>
          ))}
        </select>
      </label>
      <label className="space-y-1.5 text-sm font-medium text-slate-800">
        <span className="block">From (UTC day)</span>
        <input name="from" type="date" defaultValue={query.from ?? ""} className={field} />
      </label>
      <label className="space-y-1.5 text-sm font-medium text-slate-800">
        <span className="block">To (UTC day)</span>
        <input name="to" type="date" defaultValue={query.to ?? ""} className={field} />
      </label>
      <div className="col-span-2 flex flex-wrap items-center gap-3 md:col-span-6">
        <button type="submit" className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">Filter</button>
        <Link href="/org/audit" className="text-sm font-medium text-indigo-700 hover:underline">Clear</Link>
        <a href={exportHref} download className="text-sm font-medium text-indigo-700 hover:underline">Export CSV</a>
      </div>
    </form>
  );
}
