/** The keys page's skeleton. */
export default function Loading() {
  return (
    <div aria-busy="true" data-page-loading className="animate-pulse space-y-6">
      <span className="sr-only" role="status">Loading API keys…</span>
      <div className="h-7 w-32 rounded bg-slate-200" />
      <div className="h-32 rounded-lg bg-white ring-1 ring-slate-200" />
      <div className="space-y-px overflow-hidden rounded-lg ring-1 ring-slate-200">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-12 bg-white" />
        ))}
      </div>
    </div>
  );
}
