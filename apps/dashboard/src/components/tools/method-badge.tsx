const COLORS: Record<string, string> = {
  GET: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  POST: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  PUT: "bg-amber-50 text-amber-800 ring-amber-200",
  PATCH: "bg-amber-50 text-amber-800 ring-amber-200",
  DELETE: "bg-red-50 text-red-700 ring-red-200",
};

/** An HTTP method, colour-coded by what it tends to do. */
export function MethodBadge({ method }: { method: string }) {
  return (
    <span className={`inline-flex shrink-0 items-center rounded px-1.5 py-0.5 font-mono text-[11px] font-semibold ring-1 ring-inset ${COLORS[method] ?? "bg-slate-100 text-slate-700 ring-slate-200"}`}>
      {method}
    </span>
  );
}
