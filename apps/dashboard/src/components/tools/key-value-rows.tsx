"use client";
import { Button } from "@/components/ui/index.ts";

export type KeyValueRow = { id: number; key: string; value: string };

let nextId = 1;
export function newRow(key = "", value = ""): KeyValueRow {
  return { id: nextId++, key, value };
}

const input =
  "block w-full rounded-md border-0 bg-white px-3 py-1.5 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 disabled:bg-slate-50";

/**
 * Editable name → value rows (query parameters, headers). `noun` names one row in labels:
 * "Header name 2", "Remove header X-Trace", "Add header".
 */
export function KeyValueRows({ id, noun, rows, onChange, keyPlaceholder, valuePlaceholder, invalid }: { id: string; noun: string; rows: KeyValueRow[]; onChange: (rows: KeyValueRow[]) => void; keyPlaceholder: string; valuePlaceholder: string; invalid?: boolean }) {
  const update = (rowId: number, patch: Partial<KeyValueRow>) => onChange(rows.map((r) => (r.id === rowId ? { ...r, ...patch } : r)));
  const Noun = noun[0]!.toUpperCase() + noun.slice(1);
  return (
    <div id={id} className="space-y-2">
      {rows.length ? (
        <ul className="space-y-2">
          {rows.map((row, i) => (
            <li key={row.id} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] gap-2">
              <input aria-label={`${Noun} name ${i + 1}`} aria-invalid={invalid || undefined} className={`${input} aria-[invalid=true]:ring-red-400`} placeholder={keyPlaceholder} value={row.key} onChange={(e) => update(row.id, { key: e.target.value })} spellCheck={false} autoComplete="off" />
              <input aria-label={`${Noun} value ${i + 1}`} className={input} placeholder={valuePlaceholder} value={row.value} onChange={(e) => update(row.id, { value: e.target.value })} spellCheck={false} autoComplete="off" />
              <Button type="button" variant="ghost" size="sm" className="self-start" aria-label={`Remove ${noun} ${row.key || i + 1}`} onClick={() => onChange(rows.filter((r) => r.id !== row.id))}>
                <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4"><path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" /></svg>
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <Button type="button" variant="secondary" size="sm" onClick={() => onChange([...rows, newRow()])}>
        + Add {noun}
      </Button>
    </div>
  );
}
