import type { UsageRange } from "@tengine/core";
import Link from "next/link";

const OPTIONS: Array<{ value: UsageRange; label: string }> = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
];

/** A segmented control over `?range=`; plain links, so it works without JavaScript. */
export function RangeSwitch({ base, current }: { base: string; current: UsageRange }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md bg-slate-100 p-0.5 ring-1 ring-inset ring-slate-200">
      {OPTIONS.map((o) => {
        const active = o.value === current;
        return (
          <Link
            key={o.value}
            href={`${base}?range=${o.value}`}
            scroll={false}
            aria-current={active ? "page" : undefined}
            className={`rounded px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 ${
              active ? "bg-white text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"
            }`}
          >
            {o.label}
          </Link>
        );
      })}
    </nav>
  );
}
