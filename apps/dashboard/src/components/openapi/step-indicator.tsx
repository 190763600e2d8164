const STEPS = ["Source", "Preview", "Apply"] as const;

/** Where the user is in the import: 1 source, 2 preview, 3 applied. */
export function StepIndicator({ current }: { current: 0 | 1 | 2 }) {
  return (
    <ol aria-label="Import steps" className="mb-5 flex items-center gap-2 text-xs font-medium sm:gap-3 sm:text-sm">
      {STEPS.map((label, i) => {
        const done = i < current || (current === 2 && i === 2);
        const active = i === current;
        return (
          <li key={label} aria-current={active ? "step" : undefined} className="flex items-center gap-2 sm:gap-3">
            {i > 0 ? <span aria-hidden className={`h-px w-5 sm:w-10 ${i <= current ? "bg-indigo-300" : "bg-slate-200"}`} /> : null}
            <span
              aria-hidden
              className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs ${done ? "bg-indigo-600 text-white" : active ? "bg-white text-indigo-700 ring-2 ring-indigo-600" : "bg-white text-slate-400 ring-1 ring-slate-300"}`}
            >
              {done ? "✓" : i + 1}
            </span>
            <span className={active ? "text-slate-900" : done ? "text-slate-600" : "text-slate-400"}>
              <span className="sr-only">Step {i + 1}: </span>
              {label}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
