/** Shown while the import page loads: the shape of the source step. */
export default function Loading() {
  return (
    <div aria-busy="true" data-page-loading aria-label="Loading the import" className="mx-auto max-w-4xl animate-pulse space-y-4">
      <div className="h-4 w-16 rounded bg-slate-200" />
      <div className="h-7 w-64 rounded bg-slate-200" />
      <div className="h-4 w-full max-w-xl rounded bg-slate-100" />
      <div className="h-6 w-72 rounded bg-slate-100" />
      <div className="h-56 rounded-lg bg-white ring-1 ring-slate-200" />
      <div className="h-24 rounded-lg bg-white ring-1 ring-slate-200" />
    </div>
  );
}
