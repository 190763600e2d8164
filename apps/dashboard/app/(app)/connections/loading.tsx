/** The connections page's skeleton. */
export default function Loading() {
  return (
    <div aria-busy="true" data-page-loading className="animate-pulse space-y-6">
      <span className="sr-only" role="status">Loading connections…</span>
      <div className="h-7 w-48 rounded bg-slate-200" />
      <div className="space-y-px overflow-hidden rounded-lg ring-1 ring-slate-200">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-12 bg-white" />
        ))}
      </div>
    </div>
  );
}
