/** Shown while the member list loads. */
export default function MembersLoading() {
  return (
    <div aria-busy="true" data-page-loading aria-label="Loading members" className="animate-pulse space-y-6">
      <div className="space-y-2">
        <div className="h-7 w-40 rounded bg-slate-200" />
        <div className="h-4 w-96 max-w-full rounded bg-slate-100" />
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="space-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200 lg:col-span-2">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="h-10 rounded bg-slate-100" />
          ))}
        </div>
        <div className="h-64 rounded-lg bg-white ring-1 ring-slate-200" />
      </div>
    </div>
  );
}
