import { excerptAround, readablePointer } from "./preview.ts";

/**
 * A document Tengine cannot import: what is wrong and where. A syntax error shows the lines
 * around it with a caret under the column (when the browser has the text: upload or paste); a
 * structural error shows the path into the document.
 */
export function DocumentError({ message, line, column, pointer, text, onShowLine }: { message: string; line?: number; column?: number; pointer?: string; text?: string; onShowLine?: (line: number, column?: number) => void }) {
  const excerpt = line !== undefined && text ? excerptAround(text, line) : [];
  const place = line !== undefined ? `Line ${line}${column !== undefined ? `, column ${column}` : ""}` : undefined;
  return (
    <div role="alert" className="flex gap-3 rounded-md bg-red-50 p-3 text-sm ring-1 ring-inset ring-red-200">
      <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 h-4 w-4 shrink-0 text-red-500">
        <path fillRule="evenodd" d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" clipRule="evenodd" />
      </svg>
      <div className="min-w-0 flex-1 space-y-2">
        <p className="font-medium text-red-800">The document could not be read</p>
        <p className="break-words text-red-700">{message}</p>
        {place || pointer ? (
          <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-red-800">
            {place ? (
              <div className="flex flex-wrap gap-x-1.5">
                <dt className="text-red-600">Where</dt>
                <dd className="font-medium">{place}</dd>
                {onShowLine && line !== undefined ? (
                  <dd>
                    <button type="button" onClick={() => onShowLine(line, column)} className="font-medium underline hover:text-red-950 focus-visible:outline-2 focus-visible:outline-red-600">
                      Show in the editor
                    </button>
                  </dd>
                ) : null}
              </div>
            ) : null}
            {pointer ? (
              <div className="flex min-w-0 gap-1.5">
                <dt className="shrink-0 text-red-600">Path</dt>
                <dd className="min-w-0 break-all font-mono" title={pointer}>{readablePointer(pointer)}</dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        {excerpt.length ? (
          <div role="group" aria-label={`The document around line ${line}`} className="overflow-x-auto whitespace-pre rounded bg-white py-1.5 font-mono text-xs leading-5 text-slate-700 ring-1 ring-inset ring-red-200">
            {excerpt.map((l) => (
              <div key={l.number} className={l.number === line ? "bg-red-100/70" : undefined}>
                <span className="inline-block w-10 select-none pr-2 text-right text-slate-400">{l.number}</span>
                <span className={l.number === line ? "text-red-900" : undefined}>{l.text || " "}</span>
                {l.number === line && column !== undefined ? (
                  <div aria-hidden className="text-red-600">
                    <span className="inline-block w-10 pr-2" />
                    {" ".repeat(Math.max(0, column - 1))}^
                  </div>
                ) : null}
              </div>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}
