"use client";
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { Button, Field, FormError, Input, Textarea } from "@/components/ui/index.ts";
import { DocumentError } from "./document-error.tsx";
import { formatBytes, MAX_DOCUMENT_BYTES, type ServerInfo, type SourceKind } from "./preview.ts";
import { ServerVariablesFields } from "./server-variables-fields.tsx";

export type SourceState = {
  kind: SourceKind;
  url: string;
  file?: { name: string; size: number; text: string };
  pasted: string;
  baseUrl: string;
  /** Values of the server URL's `{variables}`, once the document's server is known. */
  serverVariables: Record<string, string>;
};

const TABS: Array<{ kind: SourceKind; label: string }> = [
  { kind: "file", label: "Upload file" },
  { kind: "url", label: "From URL" },
  { kind: "paste", label: "Paste" },
];

/**
 * Step 1: where the document comes from. Three tabs (WAI-ARIA tabs: arrow keys move between
 * them) and an optional base URL that replaces the document's `servers`.
 */
export function SourceStep({
  source,
  onChange,
  onSubmit,
  pending,
  error,
  fieldErrors,
  onClearError,
  httpsOnly,
  settingsHref,
  server,
}: {
  source: SourceState;
  onChange: (next: SourceState) => void;
  onSubmit: () => void;
  pending: boolean;
  error?: string;
  fieldErrors: Record<string, string>;
  onClearError: (field: string) => void;
  httpsOnly: boolean;
  settingsHref: string;
  /** The document's server and its variables, known after a preview (or a failed one). */
  server?: ServerInfo;
}) {
  const baseId = useId();
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const [reading, setReading] = useState(false);
  const [fileError, setFileError] = useState<string>();
  const [dragging, setDragging] = useState(false);

  const select = (kind: SourceKind) => {
    onChange({ ...source, kind });
    onClearError("document");
  };
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = event.key === "ArrowRight" ? index + 1 : event.key === "ArrowLeft" ? index - 1 : event.key === "Home" ? 0 : event.key === "End" ? TABS.length - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const wrapped = (next + TABS.length) % TABS.length;
    select(TABS[wrapped]!.kind);
    tabRefs.current[wrapped]?.focus();
  };

  const readFile = async (file: File | undefined) => {
    setFileError(undefined);
    onClearError("file");
    onClearError("document");
    if (!file) return;
    if (file.size > MAX_DOCUMENT_BYTES) {
      setFileError(`${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_DOCUMENT_BYTES)}. Import a document this large from its URL instead.`);
      return;
    }
    setReading(true);
    try {
      const text = await file.text();
      onChange({ ...source, kind: "file", file: { name: file.name, size: file.size, text } });
    } catch {
      setFileError(`${file.name} could not be read. Choose the file again.`);
    } finally {
      setReading(false);
    }
  };

  const pastedBytes = source.kind === "paste" ? new Blob([source.pasted]).size : 0;
  const pasteTooBig = pastedBytes > MAX_DOCUMENT_BYTES;
  const fileFieldError = fileError ?? fieldErrors.file;

  return (
    <form
      noValidate
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        if (pasteTooBig || reading) return;
        onSubmit();
      }}
    >
      <FormError message={error} />
      <div className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <div role="tablist" aria-label="Document source" className="flex overflow-x-auto border-b border-slate-200 px-2 sm:px-3">
          {TABS.map((tab, i) => {
            const selected = source.kind === tab.kind;
            return (
              <button
                key={tab.kind}
                ref={(el) => {
                  tabRefs.current[i] = el;
                }}
                type="button"
                role="tab"
                id={`${baseId}-tab-${tab.kind}`}
                aria-selected={selected}
                aria-controls={`${baseId}-panel-${tab.kind}`}
                tabIndex={selected ? 0 : -1}
                onClick={() => select(tab.kind)}
                onKeyDown={(e) => onTabKey(e, i)}
                className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-3 text-sm font-medium focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 ${selected ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700"}`}
              >
                {tab.label}
              </button>
            );
          })}
        </div>

        <div role="tabpanel" id={`${baseId}-panel-${source.kind}`} aria-labelledby={`${baseId}-tab-${source.kind}`} className="space-y-4 p-4 sm:p-5">
          {source.kind === "file" ? (
            <div className="space-y-1.5">
              <label
                htmlFor={`${baseId}-file`}
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={(e) => {
                  e.preventDefault();
                  setDragging(false);
                  void readFile(e.dataTransfer.files[0]);
                }}
                className={`flex cursor-pointer flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-4 py-8 text-center focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-600/30 ${dragging ? "border-indigo-500 bg-indigo-50/60" : fileFieldError ? "border-red-300 bg-red-50/30" : "border-slate-300 hover:border-slate-400 hover:bg-slate-50"}`}
              >
                <svg aria-hidden viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" className="h-8 w-8 text-slate-400">
                  <path strokeLinecap="round" strokeLinejoin="round" d="M12 16.5V3.75m0 0L7.5 8.25M12 3.75l4.5 4.5M3.75 15v3.75A1.5 1.5 0 0 0 5.25 20.25h13.5a1.5 1.5 0 0 0 1.5-1.5V15" />
                </svg>
                <span className="text-sm font-medium text-slate-800">
                  {source.file ? "Choose another file" : "OpenAPI document"}
                  <span className="font-normal text-slate-500"> — choose a file or drop it here</span>
                </span>
                <span className="text-xs text-slate-500">.json, .yaml or .yml · OpenAPI 3.0, 3.1 or Swagger 2.0 · up to 20 MB</span>
                <input
                  id={`${baseId}-file`}
                  type="file"
                  accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
                  className="sr-only"
                  aria-invalid={fileFieldError ? true : undefined}
                  aria-describedby={fileFieldError ? `${baseId}-file-error` : undefined}
                  onChange={(e) => void readFile(e.target.files?.[0])}
                />
              </label>
              {reading ? <p className="text-xs text-slate-500" aria-live="polite">Reading the file…</p> : null}
              {source.file && !reading ? (
                <p className="flex items-center gap-2 text-sm text-slate-700" aria-live="polite">
                  <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4 text-emerald-600">
                    <path fillRule="evenodd" d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z" clipRule="evenodd" />
                  </svg>
                  <span className="truncate font-mono text-xs">{source.file.name}</span>
                  <span className="shrink-0 text-xs text-slate-500">{formatBytes(source.file.size)}</span>
                </p>
              ) : null}
              {fileFieldError ? (
                <p id={`${baseId}-file-error`} role="alert" className="text-xs text-red-600">
                  {fileFieldError}
                </p>
              ) : null}
            </div>
          ) : source.kind === "url" ? (
            <Field
              label="Document URL"
              htmlFor={`${baseId}-url`}
              error={fieldErrors.url}
              hint="Tengine fetches it from the server, now and again when you apply, through the same SSRF guard as tool calls."
            >
              <Input
                id={`${baseId}-url`}
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder="https://api.example.com/openapi.json"
                value={source.url}
                invalid={!!fieldErrors.url}
                onChange={(e) => {
                  onChange({ ...source, url: e.target.value });
                  onClearError("url");
                }}
              />
            </Field>
          ) : (
            <Field
              label="OpenAPI document"
              htmlFor={`${baseId}-paste`}
              error={pasteTooBig ? `This is ${formatBytes(pastedBytes)}; the limit is ${formatBytes(MAX_DOCUMENT_BYTES)}.` : fieldErrors.text}
              hint="JSON or YAML: OpenAPI 3.0, 3.1 or Swagger 2.0."
            >
              <Textarea
                id={`${baseId}-paste`}
                rows={14}
                spellCheck={false}
                placeholder={"openapi: 3.1.0\ninfo:\n  title: Billing API\n  version: 1.0.0\npaths:\n  /invoices:\n    get:\n      summary: List invoices"}
                value={source.pasted}
                invalid={pasteTooBig || !!fieldErrors.text || !!fieldErrors.document}
                onChange={(e) => {
                  onChange({ ...source, pasted: e.target.value });
                  onClearError("text");
                  onClearError("document");
                }}
              />
            </Field>
          )}

          {fieldErrors.document ? (
            <DocumentError
              message={fieldErrors.document}
              line={numberOrUndefined(fieldErrors["document.line"])}
              column={numberOrUndefined(fieldErrors["document.column"])}
              pointer={fieldErrors["document.pointer"]}
              text={source.kind === "paste" ? source.pasted : source.kind === "file" ? source.file?.text : undefined}
              onShowLine={source.kind === "paste" ? (line, column) => selectLine(document.getElementById(`${baseId}-paste`) as HTMLTextAreaElement | null, line, column) : undefined}
            />
          ) : null}
        </div>
      </div>

      <div className="space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5">
        <Field
          label="Base URL (optional)"
          htmlFor={`${baseId}-base-url`}
          error={fieldErrors.baseUrl}
          hint={
            <>
              Replaces the document’s <code className="font-mono">servers</code> entry, e.g. for a staging API.
              {httpsOnly ? (
                <>
                  {" "}This project only calls https:// URLs; plain http can be allowed in <a href={settingsHref} className="font-medium text-indigo-600 hover:underline">Settings</a>.
                </>
              ) : null}
            </>
          }
        >
          <Input
            id={`${baseId}-base-url`}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://api.example.com/v1"
            value={source.baseUrl}
            invalid={!!fieldErrors.baseUrl}
            onChange={(e) => {
              onChange({ ...source, baseUrl: e.target.value });
              onClearError("baseUrl");
            }}
          />
        </Field>
        {server ? (
          <ServerVariablesFields
            server={server}
            values={source.serverVariables}
            fieldErrors={fieldErrors}
            overridden={source.baseUrl.trim() !== ""}
            onChange={(name, value) => {
              onChange({ ...source, serverVariables: { ...source.serverVariables, [name]: value } });
              onClearError(`serverVariables.${name}`);
            }}
          />
        ) : null}
      </div>

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:items-center sm:justify-end">
        <p className="text-xs text-slate-500 sm:mr-auto" aria-live="polite">
          {pending ? "Reading the document and comparing it with this project’s tools…" : "Nothing changes until you review the preview and apply it."}
        </p>
        <Button type="submit" pending={pending} disabled={reading || pasteTooBig}>
          Preview import
        </Button>
      </div>
    </form>
  );
}

function numberOrUndefined(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Puts the cursor at `line`:`column` of the textarea, with that line selected and in view. */
function selectLine(textarea: HTMLTextAreaElement | null, line: number, column = 1) {
  if (!textarea) return;
  const lines = textarea.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  const end = start + (lines[line - 1]?.length ?? 0);
  textarea.focus();
  textarea.setSelectionRange(Math.min(start + column - 1, end), end);
  // Scroll the line into the middle of the textarea (browsers only scroll the caret into view).
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 16;
  textarea.scrollTop = Math.max(0, (line - 1) * lineHeight - textarea.clientHeight / 2);
}
