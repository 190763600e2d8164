"use client";
import { useState } from "react";

const SCOPE = /^[a-z0-9][a-z0-9_.-]*:(read|write)$/;

/**
 * Required scopes as chips: type and press Enter, comma or space to add; Backspace in the empty
 * input removes the last one. Pasting "a:read, b:write" adds both. Invalid scopes show in red.
 */
export function ScopeChips({ id, scopes, onChange, invalid, disabled }: { id: string; scopes: string[]; onChange: (scopes: string[]) => void; invalid?: boolean; disabled?: boolean }) {
  const [draft, setDraft] = useState("");
  const add = (text: string) => {
    const parts = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    if (parts.length) onChange([...new Set([...scopes, ...parts])]);
    setDraft("");
  };
  return (
    <div className={`flex flex-wrap items-center gap-1.5 rounded-md bg-white px-2 py-1.5 shadow-sm ring-1 ring-inset focus-within:ring-2 focus-within:ring-indigo-600 ${invalid ? "ring-red-500" : "ring-slate-300"}`}>
      {scopes.map((s) => {
        const ok = SCOPE.test(s);
        return (
          <span key={s} className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 font-mono text-xs ring-1 ring-inset ${ok ? "bg-indigo-50 text-indigo-700 ring-indigo-200" : "bg-red-50 text-red-700 ring-red-300"}`} title={ok ? undefined : "expected resource:read or resource:write"}>
            {s}
            {disabled ? null : (
              <button type="button" aria-label={`Remove scope ${s}`} className="rounded opacity-60 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-indigo-600" onClick={() => onChange(scopes.filter((x) => x !== s))}>
                ×
              </button>
            )}
          </span>
        );
      })}
      <input
        id={id}
        value={draft}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        placeholder={scopes.length ? "" : "contacts:read, contacts:write"}
        className="min-w-[10rem] flex-1 border-0 bg-transparent px-1 py-0.5 font-mono text-xs text-slate-900 placeholder:text-slate-400 focus:outline-none focus:ring-0"
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          const value = e.target.value;
          if (/[\s,]$/.test(value)) add(value);
          else setDraft(value);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add(draft);
          } else if (e.key === "Backspace" && draft === "" && scopes.length) {
            onChange(scopes.slice(0, -1));
          }
        }}
        onBlur={() => add(draft)}
      />
    </div>
  );
}

export function invalidScopes(scopes: string[]) {
  return scopes.filter((s) => !SCOPE.test(s));
}
