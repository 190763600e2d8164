import { CopyButton } from "@/components/ui/index.ts";
import { prettyJson } from "./format.ts";

/** A body or JSON value: pretty-printed when it parses as JSON, as text otherwise; scrolls. */
export function CodeBlock({ value, label, truncated }: { value: unknown; label: string; truncated?: boolean }) {
  const text = typeof value === "string" ? (prettyJson(value) ?? value) : JSON.stringify(value, null, 2);
  return (
    <div className="min-w-0">
      <div className="mb-1.5 flex items-center justify-between gap-2">
        <span className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</span>
        <CopyButton value={text} label="Copy" />
      </div>
      <pre aria-label={label} tabIndex={0} className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500">
        {text || <span className="text-slate-500">(empty)</span>}
      </pre>
      {truncated ? <p className="mt-1 text-xs text-amber-700">Cut at the recording cap: the rest of the body was not stored.</p> : null}
    </div>
  );
}

/** Header names and values, as a compact two-column list. */
export function HeaderList({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (!entries.length) return <p className="text-sm text-slate-500">No headers recorded.</p>;
  return (
    <dl className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
      {entries.map(([name, value]) => (
        <div key={name} className="grid gap-1 px-3 py-1.5 sm:grid-cols-[14rem_1fr] sm:gap-3">
          <dt className="break-all font-mono text-xs text-slate-500">{name}</dt>
          <dd className={`break-all font-mono text-xs ${value === "[redacted]" ? "italic text-slate-400" : "text-slate-800"}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
