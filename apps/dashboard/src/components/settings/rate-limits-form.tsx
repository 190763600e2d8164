"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { setRateLimitsAction } from "@/server/actions/limits.ts";

type Scope = "project" | "principal" | "tool";
type RuleText = { max: string; windowSec: string };
export type RateLimitsInitial = Record<Scope, { max: number; windowSec: number } | null> & { failOpen: boolean };

const ROWS: Array<{ scope: Scope; label: string; hint: string }> = [
  { scope: "project", label: "Whole project", hint: "Every call of the project, whoever makes it." },
  { scope: "principal", label: "Per API key or member", hint: "Each API key, member or OAuth client counted on its own." },
  { scope: "tool", label: "Per tool", hint: "Each tool counted on its own, across all callers." },
];

const toText = (rule: { max: number; windowSec: number } | null): RuleText => (rule ? { max: String(rule.max), windowSec: String(rule.windowSec) } : { max: "", windowSec: "" });

/**
 * Project / per-principal / per-tool limits (MAX calls per SECONDS, sliding window, shared by
 * every gateway replica through Redis) and fail open / closed. What was typed stays in the
 * form when the server refuses it; errors show under the field they concern.
 */
export function RateLimitsForm({ slug, initial, readOnly }: { slug: string; initial: RateLimitsInitial; readOnly: boolean }) {
  const router = useRouter();
  const [rules, setRules] = useState<Record<Scope, RuleText>>({ project: toText(initial.project), principal: toText(initial.principal), tool: toText(initial.tool) });
  const [failOpen, setFailOpen] = useState(initial.failOpen);
  const { error, fields, pending, submit } = useActionForm();
  const [saved, setSaved] = useState<string>();

  const stored = JSON.stringify(initial);
  useEffect(() => {
    const next = JSON.parse(stored) as RateLimitsInitial;
    setRules({ project: toText(next.project), principal: toText(next.principal), tool: toText(next.tool) });
    setFailOpen(next.failOpen);
  }, [stored]);

  const set = (scope: Scope, key: keyof RuleText, value: string) => setRules((r) => ({ ...r, [scope]: { ...r[scope], [key]: value } }));

  return (
    <form
      className="space-y-5 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      aria-label="Rate limits"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => setRateLimitsAction(slug, { ...rules, failOpen }));
        if (!result) return;
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset disabled={readOnly} className="space-y-5">
        {ROWS.map(({ scope, label, hint }) => (
          <div key={scope} className="space-y-1.5">
            <p className="text-sm font-medium text-slate-800">{label}</p>
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
              <Field label="Max calls" htmlFor={`limit-${scope}-max`} error={fields[`${scope}.max`]}>
                <Input id={`limit-${scope}-max`} name={`${scope}.max`} inputMode="numeric" placeholder="no limit" value={rules[scope].max} onChange={(e) => set(scope, "max", e.target.value)} invalid={!!fields[`${scope}.max`]} />
              </Field>
              <Field label="Per window (seconds)" htmlFor={`limit-${scope}-window`} error={fields[`${scope}.windowSec`]}>
                <Input id={`limit-${scope}-window`} name={`${scope}.windowSec`} inputMode="numeric" placeholder="e.g. 60" value={rules[scope].windowSec} onChange={(e) => set(scope, "windowSec", e.target.value)} invalid={!!fields[`${scope}.windowSec`]} />
              </Field>
            </div>
            <p className="text-xs text-slate-500">{hint} Leave both empty for no limit.</p>
          </div>
        ))}

        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">While the rate limiter (Redis) is unavailable</legend>
          <label className="flex items-start gap-2 text-sm text-slate-800">
            <input type="radio" name="failMode" value="open" checked={failOpen} onChange={() => setFailOpen(true)} className="mt-0.5 h-4 w-4 border-slate-300 text-indigo-600" />
            <span>Allow calls without limits (fail open) — the gateway logs a warning and counts them in its metrics</span>
          </label>
          <label className="flex items-start gap-2 text-sm text-slate-800">
            <input type="radio" name="failMode" value="closed" checked={!failOpen} onChange={() => setFailOpen(false)} className="mt-0.5 h-4 w-4 border-slate-300 text-indigo-600" />
            <span>Refuse calls (fail closed) — each call gets a tool error and a rate-limited run</span>
          </label>
        </fieldset>
      </fieldset>

      {readOnly ? (
        <p className="text-sm text-slate-500">You can view these limits; an admin of the organization can change them.</p>
      ) : (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          <Button type="submit" pending={pending}>Save rate limits</Button>
          {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
        </div>
      )}
    </form>
  );
}
