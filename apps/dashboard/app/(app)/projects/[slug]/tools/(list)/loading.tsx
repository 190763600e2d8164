/** Shown while a tools page loads: the shape of the list, without content. */
export default function Loading() {
  return (
    <div aria-busy="true" data-page-loading aria-label="Loading tools" className="animate-pulse space-y-3">
      <div className="h-7 w-32 rounded bg-slate-200" />
      <div className="h-9 rounded-md bg-slate-100" />
      <div className="space-y-px overflow-hidden rounded-lg ring-1 ring-slate-200">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-24 bg-white" />
        ))}
      </div>
    </div>
  );
}
