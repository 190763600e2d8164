"use client";
import Link from "next/link";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { CodeBlock } from "@/components/runs/code-block.tsx";
import { MethodBadge } from "@/components/tools/method-badge.tsx";
import { Badge, Button, ConfirmButton, FormError } from "@/components/ui/index.ts";
import { Markdown } from "@/components/ui/markdown.tsx";
import { matchesOperationFilter } from "@tengine/core/openapi/select-operations";
import { FORMAT_LABELS, hasChanges, matchesQuery, operationKey, type PlanPreview, type PreviewTool, plural, readableUrl, toolText } from "./preview.ts";

/** Rows rendered per section before "Show all": keeps a thousand-operation document snappy. */
const PAGE = 100;

type SectionKey = "added" | "changed" | "removed" | "unchanged" | "skipped";

const TONES: Record<SectionKey, { tile: string; number: string }> = {
  added: { tile: "ring-emerald-200 bg-emerald-50/60 hover:bg-emerald-50", number: "text-emerald-700" },
  changed: { tile: "ring-amber-200 bg-amber-50/60 hover:bg-amber-50", number: "text-amber-700" },
  removed: { tile: "ring-red-200 bg-red-50/60 hover:bg-red-50", number: "text-red-700" },
  unchanged: { tile: "ring-slate-200 bg-white hover:bg-slate-50", number: "text-slate-700" },
  skipped: { tile: "ring-slate-200 bg-white hover:bg-slate-50", number: "text-slate-700" },
};

/** The operation key of an added or changed tool (the name when the operation is unknown). */
const keyOf = (tool: Partial<PreviewTool> & { name: string }) => (tool.path && tool.method ? operationKey({ method: tool.method, path: tool.path }) : tool.name);

/**
 * Step 2: what applying the document would do to the project's tools. Added, changed (with the
 * fields that differ), removed, unchanged (collapsed) and skipped operations, a search over all
 * of them, and the apply button (behind a confirmation when tools would be deleted). The added
 * and changed operations can be chosen one by one or by filter (tag, method, path); each row
 * opens the tool it would write.
 */
export function PreviewStep({ slug, preview, httpsOnly, notice, error, onBack, onApply }: { slug: string; preview: PlanPreview; httpsOnly: boolean; notice?: string; error?: string; onBack: () => void; onApply: (operations?: string[]) => Promise<string | void> }) {
  const [query, setQuery] = useState("");
  const choosable = useMemo(() => [...preview.added, ...preview.changed], [preview]);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(choosable.map(keyOf)));
  // A new preview (the document changed) starts with everything chosen again.
  useEffect(() => setChosen(new Set(choosable.map(keyOf))), [choosable]);
  const [tag, setTag] = useState("");
  const [methods, setMethods] = useState<string[]>([]);
  const [pathQuery, setPathQuery] = useState("");
  const allTags = useMemo(() => [...new Set(choosable.flatMap((t) => t.tags ?? []))].sort((a, b) => a.localeCompare(b)), [choosable]);
  const allMethods = useMemo(() => [...new Set(choosable.map((t) => t.method))], [choosable]);
  const filter = { ...(tag ? { tags: [tag] } : {}), methods, path: pathQuery };
  const passes = (t: PreviewTool) => matchesOperationFilter({ method: t.method, path: t.path ?? t.url, ...(t.tags ? { tags: t.tags } : {}) }, filter) && matchesQuery(toolText(t), query);
  const filtering = !!tag || methods.length > 0 || pathQuery.trim() !== "";
  const [applying, setApplying] = useState(false);
  // A count tile jumps to its section (the link) and opens it (this), e.g. the collapsed "Unchanged".
  const [reveal, setReveal] = useState<{ key: SectionKey; at: number }>();

  const lists = useMemo(
    () => ({
      added: preview.added.filter(passes),
      changed: preview.changed.filter(passes),
      removed: preview.removed.filter((t) => matchesQuery(toolText(t), query)),
      unchanged: preview.unchanged.filter((name) => matchesQuery(name, query)),
      skipped: preview.skipped.filter((s) => matchesQuery(`${s.operation} ${s.reason}`, query)),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `passes` reads exactly these
    [preview, query, tag, methods, pathQuery],
  );
  const shownChoosable = [...lists.added, ...lists.changed];
  const chosenCount = choosable.filter((t) => chosen.has(keyOf(t))).length;
  const setMany = (tools: PreviewTool[], on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const t of tools) (on ? next.add(keyOf(t)) : next.delete(keyOf(t)));
      return next;
    });
  const toggle = (tool: PreviewTool, on: boolean) => setMany([tool], on);
  const chosenAdded = preview.added.filter((t) => chosen.has(keyOf(t))).length;
  const chosenChanged = preview.changed.filter((t) => chosen.has(keyOf(t))).length;
  const nothingChosen = chosenAdded + chosenChanged + preview.removed.length === 0;
  const total = preview.added.length + preview.changed.length + preview.removed.length + preview.unchanged.length + preview.skipped.length;
  const shown = lists.added.length + lists.changed.length + lists.removed.length + lists.unchanged.length + lists.skipped.length;
  const changes = hasChanges(preview);
  const counts: Array<{ key: SectionKey; label: string; count: number }> = [
    { key: "added", label: "Added", count: preview.added.length },
    { key: "changed", label: "Changed", count: preview.changed.length },
    { key: "removed", label: "Removed", count: preview.removed.length },
    { key: "unchanged", label: "Unchanged", count: preview.unchanged.length },
    { key: "skipped", label: "Skipped", count: preview.skipped.length },
  ];

  const apply = async () => {
    setApplying(true);
    // Everything chosen: no list to send (a thousand keys for nothing).
    const problem = await onApply(chosenCount === choosable.length ? undefined : choosable.filter((t) => chosen.has(keyOf(t))).map(keyOf));
    setApplying(false);
    return problem;
  };

  return (
    <div className="space-y-5">
      {notice ? (
        <div role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          {notice}
        </div>
      ) : null}
      <FormError message={error} />

      <section aria-labelledby="import-document-title" className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="import-document-title" className="text-base font-semibold text-slate-900">
            {preview.title ?? "Untitled API"}
          </h2>
          <Badge color="blue">{FORMAT_LABELS[preview.format]}</Badge>
        </div>
        <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-500">Base URL</dt>
          <dd className="min-w-0 break-all font-mono text-xs leading-5 text-slate-800">{preview.baseUrl}</dd>
          {preview.sourceName ? (
            <>
              <dt className="text-slate-500">Source</dt>
              <dd className="min-w-0 break-all font-mono text-xs leading-5 text-slate-800">{preview.sourceName}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <nav aria-label="Import summary" className="grid grid-cols-3 gap-2 sm:grid-cols-5 sm:gap-3">
        {counts.map((c) => (
          <a
            key={c.key}
            href={`#import-${c.key}`}
            onClick={() => setReveal({ key: c.key, at: Date.now() })}
            className={`rounded-lg px-3 py-2 ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 sm:py-2.5 ${c.count ? TONES[c.key].tile : "bg-white ring-slate-200 hover:bg-slate-50"}`}
          >
            <span className={`block text-xl font-semibold tabular-nums sm:text-2xl ${c.count ? TONES[c.key].number : "text-slate-300"}`}>{c.count}</span>
            <span className="text-xs font-medium text-slate-600">{c.label}</span>
          </a>
        ))}
      </nav>

      {httpsOnly && preview.baseUrl.startsWith("http:") ? (
        <div role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          The base URL is plain http, and this project only calls https:// upstreams: these tools would fail until you allow plain http in{" "}
          <a href={`/projects/${slug}/settings`} className="font-medium underline">Settings</a> or go back and give an https base URL.
        </div>
      ) : null}

      {preview.notes.length ? (
        <section aria-labelledby="import-notes" className="rounded-lg bg-sky-50 p-4 text-sm text-sky-900 ring-1 ring-inset ring-sky-200">
          <h3 id="import-notes" className="font-medium">Notes</h3>
          <ul className="mt-1.5 list-disc space-y-1 pl-5">
            {preview.notes.map((note, i) => (
              <li key={i} className="break-words">{note}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {!changes ? (
        <div className="rounded-lg border-2 border-dashed border-emerald-200 bg-emerald-50/40 px-6 py-6 text-center">
          <p className="text-sm font-semibold text-emerald-900">Nothing to change</p>
          <p className="mx-auto mt-1 max-w-md text-sm text-emerald-800">
            {preview.unchanged.length
              ? `The project’s tools already match this document (${plural(preview.unchanged.length, "tool")} unchanged).`
              : "This document has no operations Tengine can turn into tools."}
          </p>
        </div>
      ) : null}

      {choosable.length > 0 ? (
        <section aria-labelledby="import-choose" className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h3 id="import-choose" className="text-sm font-semibold text-slate-900">Choose what to import</h3>
            <p className="text-xs text-slate-500" aria-live="polite" data-testid="chosen-count">
              {chosenCount} of {plural(choosable.length, "new or changed operation")} chosen
            </p>
          </div>
          <div className="grid gap-3 sm:grid-cols-[12rem_auto_1fr]">
            <label className="block text-xs font-medium text-slate-700">
              Tag
              <select value={tag} onChange={(e) => setTag(e.target.value)} className="mt-1 block w-full rounded-md border-0 py-1.5 pl-2 pr-8 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600">
                <option value="">All tags</option>
                {allTags.map((t) => (
                  <option key={t} value={t}>{t}</option>
                ))}
              </select>
            </label>
            <fieldset className="text-xs font-medium text-slate-700">
              <legend>Method</legend>
              <div className="mt-1 flex flex-wrap gap-1">
                {allMethods.map((m) => {
                  const on = methods.includes(m);
                  return (
                    <button key={m} type="button" aria-pressed={on} onClick={() => setMethods(on ? methods.filter((x) => x !== m) : [...methods, m])} className={`rounded-md px-2 py-1 font-mono text-xs ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-indigo-600 ${on ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}>
                      {m}
                    </button>
                  );
                })}
              </div>
            </fieldset>
            <label className="block text-xs font-medium text-slate-700">
              Path contains
              <input type="search" value={pathQuery} onChange={(e) => setPathQuery(e.target.value)} placeholder="/pets" className="mt-1 block w-full rounded-md border-0 py-1.5 px-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600" />
            </label>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Button type="button" variant="secondary" size="sm" onClick={() => setMany(shownChoosable, true)} disabled={!shownChoosable.length}>
              {filtering ? `Select all ${shownChoosable.length} shown` : "Select all"}
            </Button>
            <Button type="button" variant="secondary" size="sm" onClick={() => setMany(shownChoosable, false)} disabled={!shownChoosable.length}>
              {filtering ? `Select none of the ${shownChoosable.length} shown` : "Select none"}
            </Button>
            {filtering ? (
              <Button type="button" variant="ghost" size="sm" onClick={() => { setTag(""); setMethods([]); setPathQuery(""); }}>
                Clear filters
              </Button>
            ) : null}
          </div>
          {preview.detailsOmitted ? (
            <p className="text-xs text-slate-500">This document is large: descriptions and input schemas are shown for the first tools only ({preview.detailsOmitted} left out). Every tool is still imported in full.</p>
          ) : null}
        </section>
      ) : null}

      {total > 0 ? (
        <div className="space-y-3">
          <div className="relative">
            <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-400">
              <path fillRule="evenodd" d="M9 3.5a5.5 5.5 0 1 0 3.4 9.83l3.63 3.64a.75.75 0 1 0 1.06-1.06l-3.63-3.64A5.5 5.5 0 0 0 9 3.5ZM5 9a4 4 0 1 1 8 0 4 4 0 0 1-8 0Z" clipRule="evenodd" />
            </svg>
            <input
              type="search"
              aria-label="Search the import"
              placeholder="Search by name, method, URL, scope or field"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="block w-full rounded-md border-0 bg-white py-2 pl-9 pr-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
            />
          </div>
          <p className="text-xs text-slate-500" aria-live="polite">
            {query ? `${shown} of ${total} match “${query}”` : `${plural(total, "operation")} in this document`}
          </p>

          <Section id="import-added" title="Added" tone="added" count={lists.added.length} query={query} reveal={reveal} defaultOpen>
            {(limit) => lists.added.slice(0, limit).map((t) => <ToolRow key={t.name} tool={t} chosen={chosen.has(keyOf(t))} onChoose={(on) => toggle(t, on)} />)}
          </Section>
          <Section id="import-changed" title="Changed" tone="changed" count={lists.changed.length} query={query} reveal={reveal} defaultOpen>
            {(limit) =>
              lists.changed.slice(0, limit).map((t) => (
                <ToolRow key={t.name} tool={t} chosen={chosen.has(keyOf(t))} onChoose={(on) => toggle(t, on)}>
                  <span className="text-xs text-slate-500">changes</span>
                  {t.fields.map((f) => (
                    <span key={f} className="rounded bg-amber-50 px-1.5 py-0.5 font-mono text-[11px] text-amber-800 ring-1 ring-inset ring-amber-200">{f}</span>
                  ))}
                  {t.kept?.length ? (
                    <span className="text-xs text-slate-500" title="Fields edited in Tengine after the last import: your values are kept">
                      keeps your {t.kept.join(", ")}
                    </span>
                  ) : null}
                </ToolRow>
              ))
            }
          </Section>
          <Section id="import-removed" title="Removed" tone="removed" count={lists.removed.length} query={query} reveal={reveal} defaultOpen hint="No longer in the document: these tools will be deleted (their runs stay).">
            {(limit) => lists.removed.slice(0, limit).map((t) => <ToolRow key={t.name} tool={t} />)}
          </Section>
          <Section id="import-unchanged" title="Unchanged" tone="unchanged" count={lists.unchanged.length} query={query} reveal={reveal}>
            {(limit) =>
              lists.unchanged.slice(0, limit).map((name) => (
                <li key={name} className="px-4 py-2 font-mono text-xs text-slate-700">{name}</li>
              ))
            }
          </Section>
          <Section id="import-skipped" title="Skipped" tone="skipped" count={lists.skipped.length} query={query} reveal={reveal} defaultOpen={preview.skipped.length <= 20} hint="Operations that did not become tools, and why.">
            {(limit) =>
              lists.skipped.slice(0, limit).map((s, i) => (
                <li key={`${s.operation}-${i}`} className="space-y-0.5 px-4 py-2.5">
                  <p className="break-all font-mono text-xs font-medium text-slate-800">{s.operation}</p>
                  <p className="break-words text-xs text-slate-600">{s.reason}</p>
                </li>
              ))
            }
          </Section>
        </div>
      ) : null}

      <div className="sticky bottom-0 z-10 -mx-4 flex flex-col gap-2 border-t border-slate-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:flex-row sm:items-center sm:rounded-lg sm:border-0 sm:shadow-sm sm:ring-1 sm:ring-slate-200">
        <p className="text-xs text-slate-500 sm:mr-auto" aria-live="polite">{summaryLine({ added: chosenAdded, changed: chosenChanged, removed: preview.removed.length }, choosable.length - chosenCount)}</p>
        <div className="flex gap-2 [&>button]:flex-1 [&>a]:flex-1 sm:[&>a]:flex-none sm:[&>button]:flex-none">
          <Button type="button" variant="secondary" onClick={onBack} disabled={applying}>
            Back
          </Button>
          {!changes ? (
            <Link href={`/projects/${slug}/tools`} className="inline-flex items-center justify-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
              Back to tools
            </Link>
          ) : preview.removed.length ? (
            <ConfirmButton
              title={`${plural(preview.removed.length, "tool")} will be deleted`}
              confirmLabel={`Delete ${plural(preview.removed.length, "tool")} and apply`}
              body={
                <div className="space-y-2">
                  <p>These tools are not in the document any more. Applying deletes them; MCP clients stop seeing them right away. Their past runs stay in the run history.</p>
                  <ul className="max-h-40 overflow-y-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-200">
                    {preview.removed.map((t) => (
                      <li key={t.name} className="truncate">{t.name}</li>
                    ))}
                  </ul>
                </div>
              }
              onConfirm={apply}
            >
              Apply import
            </ConfirmButton>
          ) : (
            <Button type="button" pending={applying} disabled={nothingChosen} onClick={() => void apply()}>
              Apply import
            </Button>
          )}
        </div>
      </div>
    </div>
  );
}

function summaryLine(p: { added: number; changed: number; removed: number }, leftOut: number): string {
  const rest = leftOut ? ` ${plural(leftOut, "operation")} not chosen ${leftOut === 1 ? "is" : "are"} left as ${leftOut === 1 ? "it is" : "they are"}.` : "";
  if (!p.added && !p.changed && !p.removed) return leftOut ? `Nothing chosen: choose at least one operation.${rest}` : "Applying would change nothing.";
  const parts = [p.added ? `add ${plural(p.added, "tool")}` : "", p.changed ? `update ${p.changed}` : "", p.removed ? `delete ${p.removed}` : ""].filter(Boolean);
  return `Applying will ${parts.join(", ")}.${rest}`;
}

/** One collapsible list (native <details>: keyboard and screen reader friendly). */
function Section({ id, title, tone, count, query, reveal, defaultOpen = false, hint, children }: { id: string; title: string; tone: SectionKey; count: number; query: string; reveal?: { key: SectionKey; at: number }; defaultOpen?: boolean; hint?: string; children: (limit: number) => ReactNode }) {
  const [open, setOpen] = useState(defaultOpen);
  const [limit, setLimit] = useState(PAGE);
  // A search opens the sections it finds something in.
  useEffect(() => {
    if (query && count > 0) setOpen(true);
  }, [query, count]);
  useEffect(() => {
    if (reveal?.key === tone) setOpen(true);
  }, [reveal, tone]);
  if (count === 0) return null;
  return (
    <details id={id} open={open} onToggle={(e) => setOpen(e.currentTarget.open)} className="group scroll-mt-4 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <summary className="flex cursor-pointer list-none items-center gap-2 px-4 py-3 text-sm font-semibold text-slate-900 hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden">
        <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4 text-slate-400 transition-transform group-open:rotate-90">
          <path fillRule="evenodd" d="M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0Z" clipRule="evenodd" />
        </svg>
        {title}
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium tabular-nums ${TONES[tone].number} bg-slate-100`}>{count}</span>
        {hint ? <span className="hidden truncate text-xs font-normal text-slate-500 md:inline">{hint}</span> : null}
      </summary>
      {hint ? <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500 md:hidden">{hint}</p> : null}
      <ul className="divide-y divide-slate-100 border-t border-slate-100">{children(limit)}</ul>
      {count > limit ? (
        <div className="border-t border-slate-100 px-4 py-2.5">
          <Button type="button" variant="ghost" size="sm" onClick={() => setLimit(count)}>
            Show all {count}
          </Button>
        </div>
      ) : null}
    </details>
  );
}

function ToolRow({ tool, chosen, onChoose, children }: { tool: Partial<PreviewTool> & { name: string }; chosen?: boolean; onChoose?: (on: boolean) => void; children?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const operation = tool.path ? `${tool.method} ${tool.path}` : undefined;
  const previewable = tool.description !== undefined || tool.inputSchema !== undefined;
  return (
    <li className={`px-4 py-2.5 ${onChoose && !chosen ? "bg-slate-50/70" : ""}`} data-tool={tool.name}>
      <div className="flex flex-col gap-1.5 lg:flex-row lg:items-center lg:gap-3">
        <div className="flex min-w-0 items-center gap-2 lg:w-2/5 lg:shrink-0">
          {onChoose ? (
            <input type="checkbox" checked={!!chosen} onChange={(e) => onChoose(e.target.checked)} aria-label={`Import ${tool.name}`} className="h-4 w-4 shrink-0 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600" />
          ) : null}
          {tool.method ? <MethodBadge method={tool.method} /> : null}
          <span className={`truncate font-mono text-sm font-medium ${onChoose && !chosen ? "text-slate-400 line-through" : "text-slate-900"}`} title={tool.name}>{tool.name}</span>
        </div>
        {tool.url ? (
          <span className="min-w-0 break-all font-mono text-xs text-slate-500 lg:flex-1 lg:truncate" title={tool.url}>{readableUrl(tool.url)}</span>
        ) : null}
        <div className="flex flex-wrap items-center gap-1.5 lg:justify-end">
          {tool.tags?.map((t) => <Badge key={`tag-${t}`}>{t}</Badge>)}
          {tool.scopes?.map((s) => <Badge key={s} color="blue">{s}</Badge>)}
          {children}
          {previewable ? (
            <Button type="button" variant="ghost" size="sm" aria-expanded={open} aria-label={`${open ? "Hide" : "Preview"} ${tool.name}`} onClick={() => setOpen(!open)}>
              {open ? "Hide" : "Preview"}
            </Button>
          ) : null}
        </div>
      </div>
      {open && previewable ? (
        <div role="region" aria-label={`Tool ${tool.name}`} className="mt-3 space-y-3 rounded-md bg-white p-3 ring-1 ring-inset ring-slate-200">
          <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[7rem_1fr]">
            <dt className="text-slate-500">Name</dt>
            <dd className="font-mono text-slate-900">{tool.name}</dd>
            {tool.title ? (
              <>
                <dt className="text-slate-500">Title</dt>
                <dd className="text-slate-900">{tool.title}</dd>
              </>
            ) : null}
            {operation ? (
              <>
                <dt className="text-slate-500">Operation</dt>
                <dd className="break-all font-mono text-xs leading-5 text-slate-800">{operation}</dd>
              </>
            ) : null}
          </dl>
          {tool.description !== undefined ? (
            <div>
              <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Description</p>
              <Markdown text={tool.description} />
            </div>
          ) : null}
          {tool.inputSchema !== undefined ? <CodeBlock value={tool.inputSchema} label="Input schema" /> : null}
        </div>
      ) : null}
    </li>
  );
}
