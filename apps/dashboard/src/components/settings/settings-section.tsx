import type { ReactNode } from "react";

/**
 * One block of a settings page: what it is and why on the left (on top on phones), the form or
 * list on the right.
 */
export function SettingsSection({ id, title, description, children }: { id: string; title: string; description: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="grid grid-cols-1 gap-4 border-b border-slate-200 py-8 first:pt-2 last:border-b-0 lg:grid-cols-3 lg:gap-8">
      <div>
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">{title}</h2>
        <div className="mt-1 space-y-2 text-sm text-slate-500">{description}</div>
      </div>
      <div className="min-w-0 lg:col-span-2">{children}</div>
    </section>
  );
}

/** An info / warning callout inside a form. */
export function Callout({ tone = "info", title, children }: { tone?: "info" | "warning"; title?: string; children: ReactNode }) {
  const styles = tone === "warning" ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-slate-50 text-slate-700 ring-slate-200";
  return (
    <div className={`rounded-md px-3 py-2.5 text-sm ring-1 ring-inset ${styles}`}>
      {title ? <p className="font-medium">{title}</p> : null}
      <div className={title ? "mt-0.5" : ""}>{children}</div>
    </div>
  );
}
