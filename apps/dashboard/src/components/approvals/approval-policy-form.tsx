"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, FormError, useActionForm } from "@/components/ui/index.ts";
import { setApprovalPolicyAction } from "@/server/actions/approvals.ts";

type Policy = "none" | "destructive" | "non_read_only";

const OPTIONS: readonly { value: Policy; label: string; description: string }[] = [
  { value: "none", label: "Only tools marked “requires approval”", description: "Every other call goes out at once." },
  { value: "destructive", label: "Also destructive tools", description: "Tools annotated destructiveHint wait for a person too." },
  { value: "non_read_only", label: "All tools that are not read-only", description: "Every tool not annotated readOnlyHint waits for a person." },
];

/** The project's approval policy (admins change it; others see it). */
export function ApprovalPolicyForm({ slug, initial, readOnly }: { slug: string; initial: Policy; readOnly: boolean }) {
  const router = useRouter();
  const [policy, setPolicy] = useState<Policy>(initial);
  const [saved, setSaved] = useState<string>();
  const { error, pending, submit } = useActionForm();
  useEffect(() => setPolicy(initial), [initial]);

  return (
    <form
      aria-label="Approval policy"
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => setApprovalPolicyAction(slug, { policy }));
        if (!result) return;
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset disabled={readOnly} className="space-y-2">
        <legend className="mb-2 text-sm font-medium text-slate-800">Calls that wait for approval</legend>
        {OPTIONS.map((o) => (
          <label key={o.value} className="flex cursor-pointer items-start gap-2.5 rounded-md p-2 hover:bg-slate-50">
            <input type="radio" name="approval-policy" value={o.value} checked={policy === o.value} onChange={() => setPolicy(o.value)} className="mt-1" />
            <span>
              <span className="block text-sm text-slate-900">{o.label}</span>
              <span className="block text-xs text-slate-500">{o.description}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {readOnly ? (
        <p className="text-xs text-slate-500">Admins change the policy.</p>
      ) : (
        <div className="flex items-center gap-3">
          <Button type="submit" pending={pending} disabled={policy === initial}>Save policy</Button>
          {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
        </div>
      )}
    </form>
  );
}
