/** Shown while the settings load: the three sections' outline. */
export default function SettingsLoading() {
  return (
    <div aria-busy="true" data-page-loading aria-label="Loading settings" className="animate-pulse">
      {[0, 1, 2].map((i) => (
        <div key={i} className="grid grid-cols-1 gap-4 border-b border-slate-200 py-8 lg:grid-cols-3 lg:gap-8">
          <div className="space-y-2">
            <div className="h-4 w-32 rounded bg-slate-200" />
            <div className="h-3 w-56 rounded bg-slate-100" />
            <div className="h-3 w-48 rounded bg-slate-100" />
          </div>
          <div className="h-40 rounded-lg bg-white ring-1 ring-slate-200 lg:col-span-2" />
        </div>
      ))}
    </div>
  );
}
