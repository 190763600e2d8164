"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { Button, Field, Input, Select, Spinner } from "@/components/ui/index.ts";
import { type RunFilters as Filters, HTTP_STATUS_CLASSES, runsExportHref, runsHref, TIME_RANGES } from "./filters.ts";
import { PRINCIPAL_KINDS, RUN_STATUSES } from "./format.ts";

type KeyOption = { id: string; name: string; prefix: string; revoked: boolean };
type MemberOption = { id: string; email: string | null };

/**
 * The runs filters. Every choice is a URL search param (shareable, back button works); changing
 * one goes back to the newest page. A custom time range is applied with its own button; a member
 * id is applied with Enter, or at once when picked from the recent members.
 */
export function RunFilters({ slug, filters: urlFilters, toolNames, keys, members = [] }: { slug: string; filters: Filters; toolNames: string[]; keys: KeyOption[]; members?: MemberOption[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // The filters as last chosen, ahead of the URL while a navigation is under way: a second pick
  // before the first one's page arrives adds to it instead of replacing it (a ref, because two
  // picks can come before React re-renders). The URL wins again when it changes (Clear, back).
  const [filters, setFilters] = useState(urlFilters);
  const latest = useRef(urlFilters);
  const urlKey = JSON.stringify(urlFilters);
  useEffect(() => {
    latest.current = urlFilters;
    setFilters(urlFilters);
  }, [urlKey]);
  const [range, setRange] = useState(filters.range ?? "");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [rangeError, setRangeError] = useState<string>();
  const [member, setMember] = useState(filters.member ?? "");
  useEffect(() => setMember(filters.member ?? ""), [filters.member]);
  const [search, setSearch] = useState(filters.q ?? "");
  useEffect(() => setSearch(filters.q ?? ""), [filters.q]);
  const [slower, setSlower] = useState(filters.slower ?? "");
  useEffect(() => setSlower(filters.slower ?? ""), [filters.slower]);
  // Follow the URL (Clear filters, back button). Local times only exist in the browser, so the
  // custom range inputs are filled after hydration.
  useEffect(() => setRange(filters.range ?? ""), [filters.range]);
  useEffect(() => {
    setFrom(toLocalInput(filters.from) ?? toLocalInput(new Date(Date.now() - 24 * 3600_000).toISOString())!);
    setTo(toLocalInput(filters.to) ?? "");
  }, [filters.from, filters.to]);

  const go = (next: Filters) => startTransition(() => router.push(runsHref(slug, next)));
  const set = (patch: Partial<Filters>) => {
    const next = clean({ ...latest.current, ...patch });
    latest.current = next;
    setFilters(next);
    go(next);
  };
  const tools = filters.tool && !toolNames.includes(filters.tool) ? [filters.tool, ...toolNames] : toolNames;
  const active = !!(filters.tool || filters.status || filters.principal || filters.key || filters.member || filters.range || filters.q || filters.http || filters.slower);
  // A member is one caller: it replaces a key filter and implies the member principal.
  const applyMember = (value: string) => {
    const id = value.trim();
    if (id === (filters.member ?? "")) return;
    set({ member: id || undefined, key: id ? undefined : filters.key, principal: id ? "member" : filters.principal === "member" ? undefined : filters.principal });
  };

  return (
    <section aria-label="Filters" className="mb-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="mb-3 grid grid-cols-2 gap-3 border-b border-slate-100 pb-3 md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
        <Field label="Search" htmlFor="filter-search">
          {/* Also a plain GET form with the other filters as hidden fields: a search sent
              before the page has hydrated (or without JavaScript) still lands on ?q=… */}
          <form
            role="search"
            aria-label="Search runs"
            action={`/projects/${slug}/runs`}
            method="get"
            onSubmit={(e) => {
              e.preventDefault();
              if (search.trim() !== (filters.q ?? "")) set({ q: search.trim() || undefined });
            }}
          >
            {[...new URLSearchParams(runsHref(slug, { ...filters, q: undefined }).split("?")[1] ?? "")].map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <Input id="filter-search" name="q" type="search" value={search} maxLength={200} placeholder="Run id, or text in arguments, response or error" onChange={(e) => {
              setSearch(e.target.value);
              if (e.target.value === "" && filters.q) set({ q: undefined });
            }} />
            <button type="submit" className="sr-only">Search</button>
          </form>
        </Field>
        <Field label="HTTP status" htmlFor="filter-http">
          <Select id="filter-http" value={filters.http ?? ""} onChange={(e) => set({ http: e.target.value || undefined })}>
            <option value="">Any status</option>
            {filters.http && !(HTTP_STATUS_CLASSES as readonly string[]).includes(filters.http) ? <option value={filters.http}>{filters.http}</option> : null}
            {HTTP_STATUS_CLASSES.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </Select>
        </Field>
        <Field label="Slower than (ms)" htmlFor="filter-slower">
          <form
            aria-label="Filter by duration"
            onSubmit={(e) => {
              e.preventDefault();
              const value = slower.trim();
              if (value !== "" && !/^\d{1,7}$/.test(value)) return;
              if (value !== (filters.slower ?? "")) set({ slower: value || undefined });
            }}
          >
            <Input id="filter-slower" inputMode="numeric" value={slower} placeholder="e.g. 1000" onChange={(e) => setSlower(e.target.value)} invalid={slower.trim() !== "" && !/^\d{1,7}$/.test(slower.trim())} />
            <button type="submit" className="sr-only">Apply duration</button>
          </form>
        </Field>
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        <Field label="Tool" htmlFor="filter-tool">
          <Select id="filter-tool" value={filters.tool ?? ""} onChange={(e) => set({ tool: e.target.value || undefined })}>
            <option value="">All tools</option>
            {tools.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </Select>
        </Field>
        <Field label="Status" htmlFor="filter-status">
          <Select id="filter-status" value={filters.status ?? ""} onChange={(e) => set({ status: (e.target.value || undefined) as Filters["status"] })}>
            <option value="">Any status</option>
            {RUN_STATUSES.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </Select>
        </Field>
        <Field label="Principal" htmlFor="filter-principal">
          <Select
            id="filter-principal"
            value={filters.member ? "member" : filters.key ? "api_key" : (filters.principal ?? "")}
            onChange={(e) => {
              const principal = (e.target.value || undefined) as Filters["principal"];
              set({ principal, key: principal === "api_key" ? filters.key : undefined, member: principal === "member" ? filters.member : undefined });
            }}
          >
            <option value="">Anyone</option>
            {PRINCIPAL_KINDS.map((k) => (
              <option key={k.value} value={k.value}>{k.label}</option>
            ))}
          </Select>
        </Field>
        <Field label="API key" htmlFor="filter-key">
          <Select id="filter-key" value={filters.key ?? ""} disabled={!keys.length} onChange={(e) => set({ key: e.target.value || undefined, principal: e.target.value ? "api_key" : filters.principal, member: e.target.value ? undefined : filters.member })}>
            <option value="">{keys.length ? "Any key" : "No keys yet"}</option>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.prefix}…){k.revoked ? " · revoked" : ""}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Member" htmlFor="filter-member">
          <form
            role="search"
            aria-label="Filter by member"
            onSubmit={(e) => {
              e.preventDefault();
              applyMember(member);
            }}
          >
            <Input
              id="filter-member"
              type="search"
              list="filter-member-options"
              value={member}
              placeholder="Member id"
              autoComplete="off"
              spellCheck={false}
              maxLength={256}
              className="font-mono placeholder:font-sans"
              onChange={(e) => {
                const value = e.target.value;
                setMember(value);
                // Picking a suggestion (or clearing the field) applies at once; typing waits for Enter.
                if (members.some((m) => m.id === value) || (value === "" && filters.member)) applyMember(value);
              }}
            />
            <datalist id="filter-member-options">
              {members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.email ?? ""}
                </option>
              ))}
            </datalist>
            <button type="submit" className="sr-only">
              Filter by member
            </button>
          </form>
        </Field>
        <Field label="Time" htmlFor="filter-range">
          <Select
            id="filter-range"
            value={range}
            onChange={(e) => {
              const value = e.target.value as Filters["range"] | "";
              setRange(value ?? "");
              setRangeError(undefined);
              if (value !== "custom") set({ range: value || undefined, from: undefined, to: undefined });
            }}
          >
            <option value="">Any time</option>
            {TIME_RANGES.map((r) => (
              <option key={r.value} value={r.value}>{r.label}</option>
            ))}
            <option value="custom">Custom range…</option>
          </Select>
        </Field>
      </div>
      {range === "custom" ? (
        <form
          className="mt-3 grid grid-cols-2 items-start gap-3 border-t border-slate-100 pt-3 sm:grid-cols-[1fr_1fr_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            const fromIso = fromLocalInput(from);
            const toIso = to ? fromLocalInput(to) : undefined;
            if (!fromIso) return setRangeError("Pick a start time");
            if (toIso && toIso <= fromIso) return setRangeError("The end must be after the start");
            setRangeError(undefined);
            set({ range: "custom", from: fromIso, to: toIso });
          }}
        >
          <Field label="From" htmlFor="filter-from" error={rangeError}>
            <Input id="filter-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required invalid={!!rangeError} />
          </Field>
          <Field label="To (optional)" htmlFor="filter-to" hint="Empty: up to now">
            <Input id="filter-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </Field>
          <div className="col-span-2 sm:col-span-1 sm:pt-6">
            <Button type="submit" variant="secondary">Apply range</Button>
          </div>
        </form>
      ) : null}
      <div className="mt-3 flex flex-wrap items-center gap-3 text-xs text-slate-500">
        <a href={runsExportHref(slug, filters, "csv")} className="font-medium text-indigo-700 hover:underline" download>Export CSV</a>
        <a href={runsExportHref(slug, filters, "json")} className="font-medium text-indigo-700 hover:underline" download>Export JSON</a>
        {active ? (
          <Link href={runsHref(slug, {})} className="font-medium text-indigo-700 hover:underline">Clear filters</Link>
        ) : null}
        {pending ? (
          <span className="inline-flex items-center gap-1.5" role="status"><Spinner /> Loading runs…</span>
        ) : null}
      </div>
    </section>
  );
}

function clean(filters: Filters): Filters {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Filters;
}

/** ISO → the `YYYY-MM-DDTHH:mm` a datetime-local input shows, in the browser's zone. */
function toLocalInput(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value: string): string | undefined {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
