/** The runs table's skeleton while the page loads. */
export default function Loading() {
  return (
    <div aria-busy="true" data-page-loading className="animate-pulse space-y-4">
      <span className="sr-only" role="status">Loading runs…</span>
      <div className="h-7 w-24 rounded bg-slate-200" />
      <div className="h-24 rounded-lg bg-white ring-1 ring-slate-200" />
      <div className="space-y-px overflow-hidden rounded-lg ring-1 ring-slate-200">
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="h-11 bg-white" />
        ))}
      </div>
    </div>
  );
}
