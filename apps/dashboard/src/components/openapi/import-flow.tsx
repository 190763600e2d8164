"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { type ApplyOutcome, applyImportAction, planImportAction } from "@/server/actions/openapi.ts";
import { type PlanPreview, plural, SERVER_FIELD, type ServerInfo, serverFromFieldErrors } from "./preview.ts";
import { PreviewStep } from "./preview-step.tsx";
import { type SourceState, SourceStep } from "./source-step.tsx";
import { StepIndicator } from "./step-indicator.tsx";

type Applied = Extract<ApplyOutcome, { status: "applied" }>;

// What the browser says when a request fails before the action answers: usually a document
// beyond the server's request-size limit, or the connection dropped.
const TRANSPORT_ERROR = "The dashboard could not send the document to the server. If the document is very large, import it from its URL instead; otherwise try again.";

const FIELDS = new Set(["url", "text", "file", "baseUrl", "document", "document.line", "document.column", "document.pointer", SERVER_FIELD]);
const isShownField = (key: string) => FIELDS.has(key) || key.startsWith("serverVariables.");

/**
 * The OpenAPI import: source → preview → apply. The document text stays in this component's
 * state between the steps: apply sends it again and the server re-plans from it (a URL is
 * fetched again), so what gets applied never depends on a plan the browser could have altered.
 */
export function ImportFlow({ slug, httpsOnly }: { slug: string; httpsOnly: boolean }) {
  const router = useRouter();
  const [step, setStep] = useState<0 | 1 | 2>(0);
  const [source, setSourceState] = useState<SourceState>({ kind: "file", url: "", pasted: "", baseUrl: "", serverVariables: {} });
  const [server, setServer] = useState<ServerInfo>();
  // Another document: its server (and so its variables) is not known any more.
  const setSource = (next: SourceState) => {
    if (next.kind !== source.kind || next.url !== source.url || next.pasted !== source.pasted || next.file !== source.file) {
      setServer(undefined);
      next = { ...next, serverVariables: {} };
    }
    setSourceState(next);
  };
  /** Remembers the document's server; each variable starts at its default (values typed earlier are kept). */
  const learnServer = (known: ServerInfo | undefined) => {
    setServer(known);
    if (!known) return;
    setSourceState((current) => {
      const values: Record<string, string> = {};
      for (const v of known.variables) values[v.name] = current.serverVariables[v.name] ?? v.default ?? "";
      return { ...current, serverVariables: values };
    });
  };
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<PlanPreview>();
  const [notice, setNotice] = useState<string>();
  const [applied, setApplied] = useState<Applied>();
  const heading = useRef<HTMLDivElement>(null);

  // Each step change moves focus to the top of the new step (screen readers hear where they are).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus({ preventScroll: true });
    heading.current?.scrollIntoView({ block: "nearest" });
  }, [step]);

  const payload = () => ({
    sourceKind: source.kind,
    ...(source.kind === "url" ? { url: source.url } : {}),
    ...(source.kind === "file" ? { text: source.file?.text ?? "", fileName: source.file?.name } : {}),
    ...(source.kind === "paste" ? { text: source.pasted } : {}),
    ...(source.baseUrl.trim() ? { baseUrl: source.baseUrl } : {}),
    ...(serverVariablesToSend() ? { serverVariables: serverVariablesToSend() } : {}),
  });
  // Only the document's variables with a value (an empty one would only be refused).
  const serverVariablesToSend = () => {
    if (!server || source.baseUrl.trim()) return undefined;
    const entries = server.variables.map((v) => [v.name, (source.serverVariables[v.name] ?? "").trim()] as const).filter(([, value]) => value !== "");
    return entries.length ? Object.fromEntries(entries) : undefined;
  };

  const showFailure = (result: { error: string; fieldErrors?: Record<string, string> }) => {
    const fields = result.fieldErrors ?? {};
    // Errors of fields this form does not show (should not happen) go on top, said in full.
    const elsewhere = Object.keys(fields).filter((k) => !isShownField(k));
    setError(!Object.keys(fields).length ? result.error : elsewhere.length ? `${result.error} ${elsewhere.map((k) => fields[k]).join(" ")}` : undefined);
    setFieldErrors(fields);
  };

  const plan = async () => {
    setPending(true);
    setError(undefined);
    setFieldErrors({});
    try {
      const result = await planImportAction(slug, payload());
      if (!result.ok) {
        const known = serverFromFieldErrors(result.fieldErrors);
        if (known) learnServer(known);
        showFailure(result);
        return;
      }
      learnServer(result.data!.server);
      setPreview(result.data);
      setNotice(undefined);
      setStep(1);
    } catch {
      setError(TRANSPORT_ERROR);
    } finally {
      setPending(false);
    }
  };

  const apply = async (operations?: string[]): Promise<string | void> => {
    if (!preview) return;
    setError(undefined);
    try {
      const result = await applyImportAction(slug, { source: payload(), fingerprint: preview.fingerprint, ...(operations ? { operations } : {}) });
      if (!result.ok) {
        // The source stopped working between the steps (URL gone, document edited): show it on step 1.
        if (result.fieldErrors && Object.keys(result.fieldErrors).length) {
          showFailure(result);
          setStep(0);
          return;
        }
        setError(result.error);
        return;
      }
      const outcome = result.data!;
      if (outcome.status === "changed") {
        setPreview(outcome.preview);
        setNotice("The document or this project’s tools changed since the preview. Nothing was applied: review the updated preview and apply again.");
        return;
      }
      setApplied(outcome);
      setStep(2);
      router.refresh();
    } catch {
      setError(TRANSPORT_ERROR);
    }
  };

  const restart = () => {
    setStep(0);
    setPreview(undefined);
    setApplied(undefined);
    setNotice(undefined);
    setError(undefined);
    setFieldErrors({});
    setServer(undefined);
    setSourceState({ kind: source.kind, url: "", pasted: "", baseUrl: "", serverVariables: {} });
  };

  return (
    <div>
      <div ref={heading} tabIndex={-1} className="scroll-mt-4 outline-none">
        <StepIndicator current={step} />
      </div>
      {step === 0 ? (
        <SourceStep
          source={source}
          onChange={setSource}
          onSubmit={() => void plan()}
          pending={pending}
          error={error}
          fieldErrors={fieldErrors}
          onClearError={(field) =>
            setFieldErrors((current) => {
              if (!(field in current)) return current;
              const { [field]: _removed, ...rest } = current;
              if (field === "document") for (const k of ["document.line", "document.column", "document.pointer"]) delete rest[k];
              return rest;
            })
          }
          httpsOnly={httpsOnly}
          settingsHref={`/projects/${slug}/settings`}
          {...(server ? { server } : {})}
        />
      ) : step === 1 && preview ? (
        <PreviewStep
          slug={slug}
          preview={preview}
          httpsOnly={httpsOnly}
          notice={notice}
          error={error}
          onBack={() => {
            setError(undefined);
            setStep(0);
          }}
          onApply={apply}
        />
      ) : applied ? (
        <AppliedSummary slug={slug} applied={applied} onAgain={restart} />
      ) : null}
    </div>
  );
}

function AppliedSummary({ slug, applied, onAgain }: { slug: string; applied: Applied; onAgain: () => void }) {
  const rows = [
    { label: "Added", count: applied.added, tone: "text-emerald-700" },
    { label: "Changed", count: applied.changed, tone: "text-amber-700" },
    { label: "Removed", count: applied.removed, tone: "text-red-700" },
    { label: "Unchanged", count: applied.unchanged, tone: "text-slate-700" },
    { label: "Skipped", count: applied.skipped, tone: "text-slate-700" },
  ];
  return (
    <section aria-labelledby="import-done" className="rounded-lg bg-white p-6 text-center shadow-sm ring-1 ring-slate-200 sm:p-8">
      <div aria-hidden className="mx-auto flex h-11 w-11 items-center justify-center rounded-full bg-emerald-100 text-emerald-700">
        <svg viewBox="0 0 20 20" fill="currentColor" className="h-6 w-6">
          <path fillRule="evenodd" d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z" clipRule="evenodd" />
        </svg>
      </div>
      <h2 id="import-done" className="mt-3 text-lg font-semibold text-slate-900">Import applied</h2>
      <p className="mt-1 text-sm text-slate-500" role="status">
        {plural(applied.added + applied.changed, "tool")} written, {applied.removed} deleted. MCP clients see the new tool list on their next request.
      </p>
      <dl className="mx-auto mt-5 grid max-w-lg grid-cols-3 gap-2 sm:grid-cols-5">
        {rows.map((r) => (
          <div key={r.label} className="rounded-md bg-slate-50 px-2 py-2 ring-1 ring-inset ring-slate-200">
            <dt className="text-xs text-slate-500">{r.label}</dt>
            <dd className={`text-lg font-semibold tabular-nums ${r.count ? r.tone : "text-slate-300"}`}>{r.count}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-6 flex flex-col justify-center gap-2 sm:flex-row">
        <Link href={`/projects/${slug}/tools`} className="inline-flex items-center justify-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
          View tools
        </Link>
        <button type="button" onClick={onAgain} className="inline-flex items-center justify-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
          Import another document
        </button>
      </div>
    </section>
  );
}
