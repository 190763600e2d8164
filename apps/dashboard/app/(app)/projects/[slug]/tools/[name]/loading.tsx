/** Shown while a tool loads: the editor's and Try it's shapes. */
export default function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading tool" className="animate-pulse">
      <div className="mb-6 h-8 w-64 rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="space-y-5">
          {[0, 1, 2].map((i) => <div key={i} className="h-56 rounded-lg bg-white ring-1 ring-slate-200" />)}
        </div>
        <div className="h-72 rounded-lg bg-white ring-1 ring-slate-200" />
      </div>
    </div>
  );
}
