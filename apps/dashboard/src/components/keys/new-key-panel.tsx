"use client";
import { useEffect, useRef } from "react";
import { serverName } from "@/components/overview/setup-snippets.ts";
import { Button, CopyButton } from "@/components/ui/index.ts";

/**
 * The only time a key's plaintext is shown: it exists in this component's state and nowhere
 * else (the server keeps its hash). Focus moves here so keyboard and screen-reader users land
 * on it.
 */
export function NewKeyPanel({ name, apiKey, mcpUrl, slug, onDone }: { name: string; apiKey: string; mcpUrl: string; slug: string; onDone: () => void }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), []);
  const command = `claude mcp add --transport http ${serverName(slug)} ${mcpUrl} --header "Authorization: Bearer ${apiKey}"`;
  return (
    <div ref={panel} tabIndex={-1} role="region" aria-labelledby="new-key-title" className="rounded-lg bg-emerald-50 p-4 ring-2 ring-emerald-300 focus:outline-none sm:p-5">
      <h3 id="new-key-title" className="text-sm font-semibold text-emerald-900">Your new key “{name}”</h3>
      <p className="mt-0.5 text-sm text-emerald-800">
        Copy it now and keep it somewhere safe: <strong>you won&apos;t see it again</strong>. Tengine stores only a hash of it.
      </p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
        <code aria-label="New API key" data-testid="new-api-key" className="block min-w-0 flex-1 select-all break-all rounded-md bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-emerald-200">
          {apiKey}
        </code>
        <CopyButton value={apiKey} label="Copy key" />
      </div>
      <div className="mt-4">
        <p className="text-xs font-medium uppercase tracking-wide text-emerald-900">Connect Claude Code</p>
        <div className="mt-1.5 flex flex-col gap-2 sm:flex-row sm:items-start">
          <pre className="min-w-0 flex-1 whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-relaxed text-slate-100">{command}</pre>
          <CopyButton value={command} label="Copy command" />
        </div>
      </div>
      <div className="mt-4 flex justify-end">
        <Button type="button" variant="secondary" size="sm" onClick={onDone}>I&apos;ve copied it</Button>
      </div>
    </div>
  );
}
