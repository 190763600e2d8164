"use client";
import { type ReactNode, useEffect, useRef } from "react";
import { Button, CopyButton } from "@/components/ui/index.ts";

/**
 * A secret shown once, right after it was made: the value, a copy button, and a plain warning
 * that it will not be shown again. Focus moves here so keyboard and screen-reader users land
 * on it.
 */
export function OneTimeSecret({ label, value, note = "We store it encrypted and cannot show it again.", children, onDone }: { label: string; value: string; note?: string; children?: ReactNode; onDone: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div ref={box} tabIndex={-1} role="region" aria-label={label} className="space-y-3 rounded-lg bg-emerald-50 p-4 ring-1 ring-inset ring-emerald-200 focus:outline-none">
      <div>
        <p className="text-sm font-semibold text-emerald-900">{label}</p>
        <p className="mt-0.5 text-sm text-emerald-800">Copy it now: it is shown only this once. {note}</p>
      </div>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <code data-testid="one-time-secret" className="block min-w-0 flex-1 select-all break-all rounded-md bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-200">
          {value}
        </code>
        <div className="flex gap-2">
          <CopyButton value={value} />
          <Button type="button" size="sm" variant="ghost" onClick={onDone}>Done</Button>
        </div>
      </div>
      {children ? <div className="text-sm text-emerald-900">{children}</div> : null}
    </div>
  );
}
