"use client";
import { createContext, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useContext, useEffect, useRef, useState } from "react";

/** True inside a Field whose value was edited after its error was shown: the error is out of date. */
const ErrorOutdated = createContext(false);

const control =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500 disabled:bg-slate-50";

/**
 * A labelled form control with its hint and its error right under it. Editing the control hides
 * the error of the last submission (it described the old value); the next submission shows
 * whatever the server says then. A `liveError` is computed from the current value as the person
 * types, so it always shows (when there is no submission error to show).
 */
export function Field({ label, htmlFor, hint, error, liveError, children }: { label: string; htmlFor: string; hint?: ReactNode; error?: string; liveError?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [outdated, setOutdated] = useState(false);
  useEffect(() => setOutdated(false), [error]);
  useEffect(() => {
    const form = ref.current?.closest("form");
    if (!form) return;
    const fresh = () => setOutdated(false);
    form.addEventListener("submit", fresh);
    return () => form.removeEventListener("submit", fresh);
  }, []);
  const shownError = (outdated ? undefined : error) ?? liveError;
  return (
    <div ref={ref} className="space-y-1.5" onChange={() => setOutdated(true)}>
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <ErrorOutdated.Provider value={outdated && !liveError}>{children}</ErrorOutdated.Provider>
      {shownError ? (
        <p id={`${htmlFor}-error`} role="alert" className="text-xs text-red-600">
          {shownError}
        </p>
      ) : hint ? (
        <p className="text-xs text-slate-500">{hint}</p>
      ) : null}
    </div>
  );
}

/** `aria-invalid` of a control: its form says so, unless it was edited since. */
function useInvalid(invalid: boolean | undefined) {
  return (invalid && !useContext(ErrorOutdated)) || undefined;
}

export function Input({ invalid, className = "", ...props }: InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }) {
  const shown = useInvalid(invalid);
  return <input {...props} aria-invalid={shown} aria-describedby={shown && props.id ? `${props.id}-error` : undefined} className={`${control} ${className}`} />;
}

export function Textarea({ invalid, className = "", ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }) {
  return <textarea {...props} aria-invalid={useInvalid(invalid)} className={`${control} font-mono text-xs ${className}`} />;
}

export function Select({ invalid, className = "", children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }) {
  return (
    <select {...props} aria-invalid={useInvalid(invalid)} className={`${control} ${className}`}>
      {children}
    </select>
  );
}

export function Checkbox({ label, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
  return (
    <label className="inline-flex items-center gap-2 text-sm text-slate-800">
      <input type="checkbox" {...props} className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600" />
      {label}
    </label>
  );
}

/** The form-level error of an action result. */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
      {message}
    </div>
  );
}
