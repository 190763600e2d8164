"use client";
import type { TryToolOutcome } from "@tengine/core";
import Link from "next/link";
import { type ReactNode, useMemo, useRef, useState } from "react";
import { Badge, Button, FormError } from "@/components/ui/index.ts";
import { tryToolAction } from "@/server/actions/tools.ts";
import { argumentsSkeleton, describeJsonError, parseJson, sampleValue, schemaProperties } from "./json-check.ts";
import { MethodBadge } from "./method-badge.tsx";
import { createPressGuard } from "./press-guard.ts";

const STATUS_COLORS = { succeeded: "green", failed: "red", denied: "amber", rate_limited: "amber", pending: "amber", deduplicated: "blue", running: "gray" } as const;

/**
 * "Try it": calls the saved tool through the gateway's real path as the signed-in user, then
 * shows what happened — the recorded run's status and timings, the rendered request (secrets
 * redacted), the upstream response and the tool result the model would get.
 */
export function TryItPanel({ slug, toolName, inputSchema, enabled, unsaved, initialArgs }: { slug: string; toolName: string; inputSchema: Record<string, unknown>; enabled: boolean; unsaved?: boolean; initialArgs?: string }) {
  const [args, setArgs] = useState(() => initialArgs ?? JSON.stringify(argumentsSkeleton(inputSchema), null, 2));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [outcome, setOutcome] = useState<TryToolOutcome>();
  const parsed = useMemo(() => parseJson(args), [args]);
  const properties = useMemo(() => schemaProperties(inputSchema), [inputSchema]);
  const present = parsed.ok && parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : undefined;
  const missing = present ? properties.filter((p) => !(p.name in present)) : [];

  // One call per press: a second ⌘/Ctrl+Enter before React re-renders would still see
  // `pending` false, so the guard lives in a ref and is checked synchronously.
  const guard = useRef<ReturnType<typeof createPressGuard>>(null);
  guard.current ??= createPressGuard();

  async function run() {
    if (!parsed.ok || !guard.current?.tryStart()) return;
    setPending(true);
    setError(undefined);
    const result = await tryToolAction(slug, { toolName, args: parsed.value }).finally(() => {
      guard.current?.done();
      setPending(false);
    });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setOutcome(result.data);
  }

  return (
    <section id="try-it" aria-labelledby="try-it-title" className="scroll-mt-4 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <header className="border-b border-slate-100 px-5 py-4">
        <h2 id="try-it-title" className="text-sm font-semibold text-slate-900">Try it</h2>
        <p className="mt-0.5 text-xs text-slate-500">Runs the saved tool through the gateway, as you. The call really reaches your API and is recorded as a run.</p>
      </header>
      <div className="space-y-3 px-5 py-4">
        {!enabled ? <Notice tone="amber">This tool is disabled, so calls to it fail as “unknown tool”. Enable it to try it.</Notice> : null}
        {unsaved ? <Notice tone="amber">You have unsaved changes. Try it uses the saved definition — save first to try your edits.</Notice> : null}
        <div className="space-y-1.5">
          <label htmlFor="try-args" className="block text-sm font-medium text-slate-800">Arguments (JSON)</label>
          <textarea
            id="try-args"
            rows={Math.min(12, Math.max(4, args.split("\n").length + 1))}
            value={args}
            onChange={(e) => setArgs(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                void run();
              }
            }}
            aria-invalid={!parsed.ok || undefined}
            aria-describedby="try-args-help"
            spellCheck={false}
            className="block w-full rounded-md border-0 bg-slate-900 px-3 py-2 font-mono text-xs leading-5 text-slate-100 shadow-sm ring-1 ring-inset ring-slate-700 focus:ring-2 focus:ring-inset focus:ring-indigo-500 aria-[invalid=true]:ring-red-500"
          />
          <div id="try-args-help" className="text-xs" aria-live="polite">
            {parsed.ok ? (
              missing.length ? (
                <div className="flex flex-wrap items-center gap-1.5 text-slate-500">
                  <span>Add:</span>
                  {missing.map((p) => (
                    <button
                      key={p.name}
                      type="button"
                      title={p.description}
                      onClick={() => present && setArgs(JSON.stringify({ ...present, [p.name]: sampleValue((inputSchema.properties as Record<string, unknown> | undefined)?.[p.name]) }, null, 2))}
                      className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 hover:bg-indigo-50 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
                    >
                      + {p.name}
                      {p.required ? <span className="text-red-600">*</span> : null}
                    </button>
                  ))}
                </div>
              ) : (
                <span className="text-slate-500">⌘/Ctrl + Enter runs it.</span>
              )
            ) : (
              <span className="text-red-600">{describeJsonError(parsed)}</span>
            )}
          </div>
        </div>
        <div className="flex items-center gap-3">
          <Button type="button" onClick={() => void run()} pending={pending} disabled={!parsed.ok}>
            {pending ? "Running…" : "Run"}
          </Button>
          {outcome ? (
            <Button type="button" variant="ghost" size="sm" onClick={() => setOutcome(undefined)}>
              Clear result
            </Button>
          ) : null}
        </div>
        <FormError message={error} />
        {outcome ? <TryResult slug={slug} outcome={outcome} /> : null}
      </div>
    </section>
  );
}

function TryResult({ slug, outcome }: { slug: string; outcome: TryToolOutcome }) {
  const run = outcome.run;

  return (
    <div role="region" className="space-y-4 border-t border-slate-100 pt-4" aria-live="polite" aria-label="Try it result">
      <div className="flex flex-wrap items-center gap-2">
        {run ? <Badge color={STATUS_COLORS[run.status] ?? "gray"}>{run.status.replace("_", " ")}</Badge> : null}
        {run?.httpStatus ? <Badge color={run.httpStatus < 400 ? "green" : "red"}>HTTP {run.httpStatus}</Badge> : null}
      </div>
      <p className="text-xs text-slate-500">
        Recorded as run{" "}
        <Link href={`/projects/${slug}/runs/${outcome.runId}`} className="break-all font-mono font-medium text-indigo-600 hover:underline">
          {outcome.runId} →
        </Link>
      </p>
      {run ? (
        <dl className="grid grid-cols-3 gap-2 text-center">
          <Metric label="Gateway" value={run.gatewayMs === null ? "—" : `${run.gatewayMs} ms`} />
          <Metric label="Upstream" value={run.upstreamMs === null ? "—" : `${run.upstreamMs} ms`} />
          <Metric label="Attempts" value={String(run.attempts)} />
        </dl>
      ) : null}

      {outcome.kind === "unknown_tool" ? <Notice tone="red">No enabled tool with this name: it is disabled, or was renamed or deleted. Enable it (or reload the page) and try again.</Notice> : null}
      {outcome.kind === "insufficient_scope" ? <Notice tone="red">The call was denied: the tool requires scopes {outcome.missing.join(", ")}.</Notice> : null}
      {run?.status === "deduplicated" ? (
        <Notice tone="blue">
          An identical call ran within the tool&apos;s idempotency window, so its result was replayed and your API was not called again
          {run.originalRunId ? <> (original run <Link className="font-mono underline" href={`/projects/${slug}/runs/${run.originalRunId}`}>{run.originalRunId}</Link>)</> : null}. Change the arguments, or set the window to 0, to call again.
        </Notice>
      ) : null}

      {outcome.kind === "result" ? (
        <Section title="Tool result" aside={outcome.result.isError ? <Badge color="red">isError</Badge> : <Badge color="green">ok</Badge>}>
          {outcome.result.content.map((c, i) => <Pre key={i} text={c.type === "text" ? prettyJson(c.text) : `[${c.type} content: ${c.type === "resource" ? c.resource.mimeType : c.mimeType}]`} tone={outcome.result.isError ? "error" : undefined} />)}
        </Section>
      ) : null}

      {run?.request ? (
        <Section title="Request" aside={run.request.signedWith ? <Badge>signed · {run.request.signedWith}</Badge> : null}>
          <div className="flex min-w-0 items-start gap-2">
            <MethodBadge method={run.request.method} />
            <span className="break-all font-mono text-xs text-slate-800">{run.request.url}</span>
          </div>
          <Headers headers={run.request.headers} />
          {run.request.body !== undefined ? <Pre text={prettyJson(run.request.body)} note={run.request.bodyTruncated ? "truncated" : undefined} /> : null}
        </Section>
      ) : run && outcome.kind === "result" ? (
        <p className="text-xs text-slate-500">Nothing was sent to your API{run.error ? `: ${run.error}` : "."}</p>
      ) : null}

      {run?.response ? (
        <Section title="Response" aside={<Badge color={run.response.status < 400 ? "green" : "red"}>{run.response.status}</Badge>}>
          <Headers headers={run.response.headers} />
          <details className="rounded-md bg-slate-50 ring-1 ring-inset ring-slate-200" open={outcome.kind === "result" && outcome.result.isError}>
            <summary className="cursor-pointer select-none px-3 py-1.5 text-xs font-medium text-slate-600">
              Body · {formatBytes(run.response.body.length)}
              {run.response.truncated ? " (truncated)" : ""}
            </summary>
            <div className="border-t border-slate-200 p-2">
              <Pre text={prettyJson(run.response.body)} />
            </div>
          </details>
        </Section>
      ) : null}
    </div>
  );
}

function Section({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (!entries.length) return null;
  return (
    <details className="rounded-md bg-slate-50 ring-1 ring-inset ring-slate-200">
      <summary className="cursor-pointer select-none px-3 py-1.5 text-xs font-medium text-slate-600">{entries.length} header{entries.length === 1 ? "" : "s"}</summary>
      <dl className="space-y-1 border-t border-slate-200 px-3 py-2 font-mono text-[11px] leading-4">
        {entries.map(([k, v]) => (
          <div key={k} className="break-all">
            <dt className="inline text-slate-500">{k}: </dt>
            <dd className="inline text-slate-800">{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Pre({ text, note, tone }: { text: string; note?: string; tone?: "error" }) {
  return (
    <div className="relative">
      <pre className={`max-h-80 overflow-auto rounded-md px-3 py-2 font-mono text-[11px] leading-4 ring-1 ring-inset ${tone === "error" ? "bg-red-50 text-red-800 ring-red-200" : "bg-slate-900 text-slate-100 ring-slate-800"}`}>{text || " "}</pre>
      {note ? <span className="absolute right-2 top-1.5 rounded bg-amber-100 px-1 text-[10px] text-amber-800">{note}</span> : null}
    </div>
  );
}

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-2 py-1.5 ring-1 ring-inset ring-slate-200">
      <dt className="text-[11px] text-slate-500">{label}</dt>
      <dd className="font-mono text-sm font-semibold text-slate-900">{value}</dd>
    </div>
  );
}

function Notice({ tone, children }: { tone: "amber" | "red" | "blue"; children: ReactNode }) {
  const styles = { amber: "bg-amber-50 text-amber-800 ring-amber-200", red: "bg-red-50 text-red-700 ring-red-200", blue: "bg-indigo-50 text-indigo-800 ring-indigo-200" }[tone];
  return <div className={`rounded-md px-3 py-2 text-xs ring-1 ring-inset ${styles}`}>{children}</div>;
}

function formatBytes(n: number) {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

/** JSON pretty-printed; anything else as it is. */
function prettyJson(text: string) {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}
