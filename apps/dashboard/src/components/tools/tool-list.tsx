"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/index.ts";
import { EnabledSwitch } from "./enabled-switch.tsx";
import { MethodBadge } from "./method-badge.tsx";

export type ToolRow = {
  id: string;
  name: string;
  title?: string;
  description: string;
  method: string;
  url: string;
  enabled: boolean;
  requiredScopes: string[];
  requiresApproval: boolean;
  readOnly: boolean;
  destructive: boolean;
  source: string;
  /** the first OpenAPI tag of the operation the tool was imported from */
  family?: string;
  updatedAt: string;
  updatedLabel: string;
  /** the last 7 days: calls, error rate, p95; and when it was last called */
  stats?: { calls: number; errorRate: number | null; p95Ms: number | null; lastCallLabel: string | null };
};

function ToolNumbers({ stats }: { stats: NonNullable<ToolRow["stats"]> }) {
  if (!stats.calls && !stats.lastCallLabel) return <span className="text-xs text-slate-400">never called</span>;
  const errors = stats.errorRate === null ? null : Math.round(stats.errorRate * 1000) / 10;
  return (
    <span className="text-xs tabular-nums text-slate-500" aria-label="Last 7 days">
      {stats.calls.toLocaleString("en")} call{stats.calls === 1 ? "" : "s"} · 7 d
      {errors !== null ? <span className={errors >= 5 ? " text-red-700" : ""}> · {errors}% errors</span> : null}
      {stats.p95Ms !== null ? ` · p95 ${Math.round(stats.p95Ms)} ms` : ""}
      {stats.lastCallLabel ? ` · last ${stats.lastCallLabel}` : ""}
    </span>
  );
}

const FILTERS = [
  { value: "all", label: "All" },
  { value: "enabled", label: "Enabled" },
  { value: "disabled", label: "Disabled" },
] as const;

/** The project's tools with a search box (name, title, description, URL), an enabled filter and, for imported APIs, a family filter. */
export function ToolList({ slug, tools, canEdit, initialQuery = "" }: { slug: string; tools: ToolRow[]; canEdit: boolean; initialQuery?: string }) {
  const [query, setQuery] = useState(initialQuery);
  const [filter, setFilter] = useState<(typeof FILTERS)[number]["value"]>("all");
  const [family, setFamily] = useState("");
  const families = useMemo(() => [...new Set(tools.flatMap((t) => (t.family ? [t.family] : [])))].sort((a, b) => a.localeCompare(b)), [tools]);
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return tools.filter((t) => {
      if (filter === "enabled" && !t.enabled) return false;
      if (filter === "disabled" && t.enabled) return false;
      if (family && t.family !== family) return false;
      const haystack = `${t.name} ${t.title ?? ""} ${t.description} ${t.method} ${t.url} ${t.requiredScopes.join(" ")}`.toLowerCase();
      return words.every((w) => haystack.includes(w));
    });
  }, [tools, query, filter, family]);

  return (
    <div className="space-y-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <div className="relative flex-1">
          <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-400">
            <path fillRule="evenodd" d="M9 3.5a5.5 5.5 0 1 0 3.4 9.83l3.63 3.64a.75.75 0 1 0 1.06-1.06l-3.63-3.64A5.5 5.5 0 0 0 9 3.5ZM5 9a4 4 0 1 1 8 0 4 4 0 0 1-8 0Z" clipRule="evenodd" />
          </svg>
          <input
            type="search"
            aria-label="Search tools"
            placeholder="Search by name, description, URL or scope"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              // Keep ?q= in the address so a filtered list can be shared or reloaded.
              const url = new URL(window.location.href);
              if (e.target.value) url.searchParams.set("q", e.target.value);
              else url.searchParams.delete("q");
              window.history.replaceState(null, "", url);
            }}
            className="block w-full rounded-md border-0 bg-white py-2 pl-9 pr-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
          />
        </div>
        {families.length ? (
          <select
            aria-label="Family"
            value={family}
            onChange={(e) => setFamily(e.target.value)}
            className="block self-start rounded-md border-0 bg-white py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
          >
            <option value="">All families ({families.length})</option>
            {families.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        ) : null}
        <div role="group" aria-label="Show" className="inline-flex self-start rounded-md shadow-sm ring-1 ring-inset ring-slate-300">
          {FILTERS.map((f, i) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
              className={`px-3 py-2 text-sm font-medium focus-visible:z-10 focus-visible:outline-2 focus-visible:outline-indigo-600 ${i === 0 ? "rounded-l-md" : ""} ${i === FILTERS.length - 1 ? "rounded-r-md" : "border-l border-slate-300"} ${filter === f.value ? "bg-slate-100 text-slate-900" : "bg-white text-slate-600 hover:bg-slate-50"}`}
            >
              {f.label}
            </button>
          ))}
        </div>
      </div>
      <p className="text-xs text-slate-500" aria-live="polite">
        {shown.length === tools.length ? `${tools.length} tool${tools.length === 1 ? "" : "s"}` : `${shown.length} of ${tools.length} tools`}
      </p>

      {shown.length === 0 ? (
        <div className="rounded-lg border-2 border-dashed border-slate-200 px-6 py-8 text-center text-sm text-slate-500">
          No tool matches{query ? <> “{query}”</> : null}.{" "}
          <button type="button" className="font-medium text-indigo-600 hover:underline" onClick={() => { setQuery(""); setFilter("all"); setFamily(""); window.history.replaceState(null, "", window.location.pathname); }}>
            Clear the search
          </button>
        </div>
      ) : (
        <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          {shown.map((t) => (
            <li key={t.id} className={`flex gap-3 px-4 py-3 sm:gap-4 ${t.enabled ? "" : "bg-slate-50/60"}`}>
              <div className="pt-0.5">
                <EnabledSwitch slug={slug} toolId={t.id} toolName={t.name} enabled={t.enabled} readOnly={!canEdit} />
              </div>
              <div className="min-w-0 flex-1 space-y-1.5">
                <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
                  <Link href={`/projects/${slug}/tools/${encodeURIComponent(t.name)}`} className="font-mono text-sm font-semibold text-slate-900 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
                    {t.name}
                  </Link>
                  {t.title ? <span className="text-sm text-slate-600">{t.title}</span> : null}
                  {t.family ? <Badge color="gray">{t.family}</Badge> : null}
                  {!t.enabled ? <Badge>disabled</Badge> : null}
                </div>
                <p className="line-clamp-2 text-xs text-slate-500 sm:line-clamp-1">{t.description}</p>
                <div className="flex min-w-0 flex-col gap-1.5 md:flex-row md:items-center md:gap-3">
                  <div className="flex min-w-0 items-center gap-2 md:max-w-[55%]">
                    <MethodBadge method={t.method} />
                    <span className="truncate font-mono text-xs text-slate-600" title={t.url}>{t.url}</span>
                  </div>
                  <div className="flex flex-wrap items-center gap-1.5">
                    {t.requiredScopes.length ? t.requiredScopes.map((s) => <Badge key={s} color="blue">{s}</Badge>) : <span className="text-xs text-slate-400">no scope needed</span>}
                    {t.requiresApproval ? <Badge color="amber">needs approval</Badge> : null}
                    {t.readOnly ? <Badge color="green">read-only</Badge> : null}
                    {t.destructive ? <Badge color="red">destructive</Badge> : null}
                  </div>
                </div>
                <p className="text-xs text-slate-400 sm:hidden">
                  {t.source === "openapi" ? "OpenAPI" : "manual"} · updated {t.updatedLabel}
                </p>
                {t.stats ? <p className="sm:hidden"><ToolNumbers stats={t.stats} /></p> : null}
              </div>
              <div className="hidden shrink-0 flex-col items-end gap-1.5 text-right sm:flex">
                <Badge color={t.source === "openapi" ? "blue" : "gray"}>{t.source === "openapi" ? "OpenAPI" : "manual"}</Badge>
                <time dateTime={t.updatedAt} title={t.updatedAt} className="text-xs text-slate-500">updated {t.updatedLabel}</time>
                {t.stats ? <ToolNumbers stats={t.stats} /> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
