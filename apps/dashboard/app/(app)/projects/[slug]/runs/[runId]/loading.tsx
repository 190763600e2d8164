/** A run page's skeleton. */
export default function Loading() {
  return (
    <div aria-busy="true" className="animate-pulse space-y-6">
      <span className="sr-only" role="status">Loading run…</span>
      <div className="h-8 w-64 rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="h-48 rounded-lg bg-white ring-1 ring-slate-200 lg:col-span-2" />
        <div className="h-48 rounded-lg bg-white ring-1 ring-slate-200" />
      </div>
      <div className="h-32 rounded-lg bg-white ring-1 ring-slate-200" />
      <div className="grid gap-6 xl:grid-cols-2">
        <div className="h-64 rounded-lg bg-white ring-1 ring-slate-200" />
        <div className="h-64 rounded-lg bg-white ring-1 ring-slate-200" />
      </div>
    </div>
  );
}
