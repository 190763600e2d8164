/** Placeholder with the usage section's shape while runs are aggregated. */
export function UsageSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true">
      <span className="sr-only" role="status">
        Loading usage…
      </span>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-[5.5rem] animate-pulse rounded-lg bg-white shadow-sm ring-1 ring-slate-200" />
        ))}
      </div>
      <div className="h-[21rem] animate-pulse rounded-lg bg-white shadow-sm ring-1 ring-slate-200" />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-[20rem] animate-pulse rounded-lg bg-white shadow-sm ring-1 ring-slate-200" />
        ))}
      </div>
    </div>
  );
}
