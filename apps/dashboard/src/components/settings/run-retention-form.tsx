"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { setRunRetentionAction } from "@/server/actions/limits.ts";

/** How many days runs are kept (1–3650); the worker's retention job deletes older ones. */
export function RunRetentionForm({ slug, initialDays, readOnly }: { slug: string; initialDays: number; readOnly: boolean }) {
  const router = useRouter();
  const [days, setDays] = useState(String(initialDays));
  const { error, fields, pending, submit } = useActionForm();
  const [saved, setSaved] = useState<string>();
  useEffect(() => setDays(String(initialDays)), [initialDays]);

  return (
    <form
      className="space-y-5 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      aria-label="Run retention"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => setRunRetentionAction(slug, { days }));
        if (!result) return;
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset disabled={readOnly}>
        <Field label="Run retention (days)" htmlFor="run-retention-days" error={fields.days} hint="Between 1 and 3650. Runs older than this are deleted, with their recorded requests and responses.">
          <Input id="run-retention-days" name="days" inputMode="numeric" className="max-w-[10rem]" value={days} onChange={(e) => setDays(e.target.value)} invalid={!!fields.days} />
        </Field>
      </fieldset>
      {readOnly ? null : (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          <Button type="submit" pending={pending} disabled={days.trim() === String(initialDays)}>Save retention</Button>
          {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
        </div>
      )}
    </form>
  );
}
