/*
 * An audit entry's details, readable: for a change, each field before → after; otherwise the
 * recorded facts as "key: value". Values are shown as text (React escapes them), long ones cut
 * with the full value in the title.
 */
const LONG = 160;

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value === "" ? "(empty)" : value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.length ? value.join(", ") : "(none)";
  return JSON.stringify(value);
}

function Value({ value, tone }: { value: unknown; tone?: "before" | "after" }) {
  const full = show(value);
  const cut = full.length > LONG ? `${full.slice(0, LONG)}…` : full;
  const style = tone === "before" ? "bg-red-50 text-red-800 line-through decoration-red-300" : tone === "after" ? "bg-emerald-50 text-emerald-800" : "text-slate-800";
  return (
    <span title={full.length > LONG ? full : undefined} className={`break-all rounded px-1 font-mono text-xs ${style}`}>
      {cut}
    </span>
  );
}

const labelOf = (field: string) => field.replace(/([a-z])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase();

/** The fields a change recorded before and after (`before`/`after` objects, or a role's `from`/`to`). */
function changes(details: Record<string, unknown>): Array<{ field: string; before: unknown; after: unknown }> | undefined {
  const { before, after } = details;
  if (before && after && typeof before === "object" && typeof after === "object" && !Array.isArray(before)) {
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after as object)])];
    return fields.map((field) => ({ field, before: (before as Record<string, unknown>)[field], after: (after as Record<string, unknown>)[field] }));
  }
  if ("from" in details && "to" in details) return [{ field: "role", before: details.from, after: details.to }];
  return undefined;
}

export function AuditDetails({ details }: { details: unknown }) {
  if (!details || typeof details !== "object") return <span className="text-slate-400">—</span>;
  const record = details as Record<string, unknown>;
  const diff = changes(record);
  const shown = new Set(diff ? ["before", "after", "changed", "from", "to"] : []);
  const facts = Object.entries(record).filter(([key, value]) => !shown.has(key) && value !== undefined);
  return (
    <div className="space-y-1.5">
      {diff ? (
        <ul aria-label="Changes" className="space-y-1">
          {diff.map((d) => (
            <li key={d.field} className="text-xs">
              <span className="font-medium text-slate-600">{labelOf(d.field)}</span>{" "}
              <Value value={d.before} tone="before" /> <span aria-label="became" className="text-slate-400">→</span> <Value value={d.after} tone="after" />
            </li>
          ))}
        </ul>
      ) : null}
      {facts.length ? (
        <dl className="space-y-0.5 text-xs">
          {facts.map(([key, value]) => (
            <div key={key}>
              <dt className="inline font-medium text-slate-600">{labelOf(key)}: </dt>
              <dd className="inline">
                <Value value={value} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
