"use client";
import Link from "next/link";
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { CopyButton } from "@/components/ui/index.ts";
import { API_KEY_PLACEHOLDER, type SetupSnippet } from "./setup-snippets.ts";

/**
 * The project's MCP URL and per-client setup, as WAI-ARIA tabs (arrow keys, Home and End move
 * between clients). Snippets are built on the server and passed in.
 */
export function ConnectCard({ url, snippets, keysHref, canCreateKeys }: { url: string; snippets: SetupSnippet[]; keysHref: string; canCreateKeys: boolean }) {
  const [selected, setSelected] = useState(0);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const baseId = useId();
  const current = snippets[selected] ?? snippets[0];

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const last = snippets.length - 1;
    const next =
      event.key === "ArrowRight" ? (selected === last ? 0 : selected + 1)
      : event.key === "ArrowLeft" ? (selected === 0 ? last : selected - 1)
      : event.key === "Home" ? 0
      : event.key === "End" ? last
      : null;
    if (next === null) return;
    event.preventDefault();
    setSelected(next);
    tabs.current[next]?.focus();
  }

  return (
    <section aria-labelledby={`${baseId}-title`} className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <div className="px-5 pt-4">
        <h2 id={`${baseId}-title`} className="text-sm font-semibold text-slate-900">
          Connect a client
        </h2>
        <p className="mt-0.5 text-xs text-slate-500">Any MCP client that speaks Streamable HTTP can use this URL with a project API key as a bearer token.</p>
        <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
          <label htmlFor={`${baseId}-url`} className="sr-only">
            MCP URL
          </label>
          <div className="flex min-w-0 flex-1 items-center gap-2 rounded-md bg-slate-50 px-3 py-2 ring-1 ring-inset ring-slate-200">
            <span aria-hidden className="shrink-0 rounded bg-emerald-100 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-emerald-800">
              MCP
            </span>
            <input
              id={`${baseId}-url`}
              readOnly
              value={url}
              onFocus={(e) => e.currentTarget.select()}
              className="min-w-0 flex-1 truncate bg-transparent font-mono text-sm text-slate-800 outline-none"
            />
          </div>
          <div className="shrink-0">
            <CopyButton value={url} label="Copy URL" />
          </div>
        </div>
      </div>

      <div role="tablist" aria-label="Client" onKeyDown={onKeyDown} className="mt-4 flex overflow-x-auto border-b border-slate-200 px-3 sm:gap-1 sm:px-5">
        {snippets.map((s, i) => (
          <button
            key={s.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${s.id}`}
            aria-selected={i === selected}
            aria-controls={`${baseId}-panel`}
            tabIndex={i === selected ? 0 : -1}
            onClick={() => setSelected(i)}
            className={`-mb-px whitespace-nowrap border-b-2 px-2 pb-2.5 pt-1 text-[13px] font-medium sm:px-2.5 sm:text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${
              i === selected ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700"
            }`}
          >
            {s.label}
          </button>
        ))}
      </div>

      {current ? (
        <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${current.id}`} className="px-5 py-4">
          <div className="mb-2 flex items-start justify-between gap-3">
            <p className="text-xs text-slate-600">
              <InlineCode text={current.where} />
            </p>
            <div className="shrink-0">
              <CopyButton value={current.code} label={`Copy ${current.label} setup`} />
            </div>
          </div>
          {/* Shell one-liners wrap (a one-liner pastes into every shell, PowerShell included); code keeps its lines. */}
          <pre className={`max-h-[30rem] overflow-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100 ${current.language === "shell" ? "whitespace-pre-wrap [overflow-wrap:anywhere]" : ""}`}>
            <code>
              <Highlight code={current.code} />
            </code>
          </pre>
          <p className="mt-3 text-xs text-slate-500">
            <KeyHint text={current.keyHint} />{" "}
            {canCreateKeys ? (
              <Link href={keysHref} className="font-medium text-indigo-600 hover:text-indigo-500">
                Create an API key →
              </Link>
            ) : (
              <>
                <Link href={keysHref} className="font-medium text-indigo-600 hover:text-indigo-500">
                  API keys
                </Link>{" "}
                are created by project members.
              </>
            )}
          </p>
        </div>
      ) : null}
    </section>
  );
}

/** `backticks` in a hint become code. */
function InlineCode({ text }: { text: string }) {
  return text.split(/(`[^`]+`)/).map((part, i) =>
    part.startsWith("`") && part.endsWith("`") ? (
      <code key={i} className="rounded bg-slate-100 px-1 font-mono text-slate-800">
        {part.slice(1, -1)}
      </code>
    ) : (
      part
    ),
  );
}

/** The key hint with the placeholder marked like in the snippet. */
function KeyHint({ text }: { text: string }) {
  return text.split(API_KEY_PLACEHOLDER).map((part, i, all) => (
    <span key={i}>
      {part}
      {i < all.length - 1 ? <code className="rounded bg-amber-50 px-1 font-mono text-amber-800">{API_KEY_PLACEHOLDER}</code> : null}
    </span>
  ));
}

/** Marks the key placeholder so it stands out in the snippet. */
function Highlight({ code }: { code: string }) {
  return code.split(API_KEY_PLACEHOLDER).map((part, i, all) => (
    <span key={i}>
      {part}
      {i < all.length - 1 ? <mark className="rounded bg-amber-300/90 px-0.5 text-slate-900">{API_KEY_PLACEHOLDER}</mark> : null}
    </span>
  ));
}
