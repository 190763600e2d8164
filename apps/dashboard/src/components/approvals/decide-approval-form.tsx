"use client";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button, Field, FormError, Textarea, useActionForm } from "@/components/ui/index.ts";
import { decideApprovalAction } from "@/server/actions/approvals.ts";
import { useAnnounceDecision } from "./decision-notice.tsx";

/** Approve or deny one pending call, with an optional reason (kept in the audit log). */
export function DecideApprovalForm({ slug, approvalId, toolName }: { slug: string; approvalId: string; toolName: string }) {
  const router = useRouter();
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const [decision, setDecision] = useState<"approve" | "deny">();
  const [done, setDone] = useState<string>();
  const announce = useAnnounceDecision();
  const { error, fields, pending, submit } = useActionForm();

  async function decide(which: "approve" | "deny") {
    setDecision(which);
    const result = await submit(() => decideApprovalAction(slug, { approvalId, decision: which, reason: reason.trim() || undefined }));
    if (!result) return;
    setDone(result.message);
    if (result.message) announce(result.message);
    router.refresh();
  }

  if (done) return <p className="text-sm text-emerald-700">{done}</p>;
  return (
    <form aria-label={`Decide on ${toolName}`} className="space-y-3" onSubmit={(e) => e.preventDefault()}>
      <FormError message={error} />
      <Field label="Reason (optional)" htmlFor={reasonId} error={fields.reason} hint="Shown to the caller when denied, and kept in the audit log.">
        <Textarea id={reasonId} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} invalid={!!fields.reason} />
      </Field>
      <div className="flex gap-2">
        <Button type="button" pending={pending && decision === "approve"} disabled={pending} onClick={() => decide("approve")}>
          Approve
        </Button>
        <Button type="button" variant="danger" pending={pending && decision === "deny"} disabled={pending} onClick={() => decide("deny")}>
          Deny
        </Button>
      </div>
    </form>
  );
}
