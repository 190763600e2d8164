"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Field, FormError, Input, useActionForm } from "@/components/ui/index.ts";
import { setApprovalWebhookAction } from "@/server/actions/approvals.ts";

/**
 * Where new pending approvals are posted (a Slack incoming webhook works as is). The saved URL is
 * never sent back to the browser, only its host: it may be a credential.
 */
export function ApprovalWebhookForm({ slug, host, readOnly }: { slug: string; host: string | null; readOnly: boolean }) {
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [saved, setSaved] = useState<string>();
  const { error, fields, pending, submit } = useActionForm();
  const save = async (value: string) => {
    setSaved(undefined);
    const result = await submit(() => setApprovalWebhookAction(slug, { url: value }));
    if (!result) return;
    setUrl("");
    setSaved(result.message);
    router.refresh();
  };
  return (
    <form
      aria-label="Approval webhook"
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        void save(url);
      }}
    >
      <FormError message={error} />
      <p className="text-sm text-slate-600">{host ? <>New pending approvals are posted to <span className="font-mono">{host}</span>.</> : "No webhook: people learn of pending approvals here, on this page."}</p>
      {readOnly ? null : (
        <>
          <Field label={host ? "Replace the webhook URL" : "Webhook URL"} htmlFor="approval-webhook-url" error={fields.url} hint="Each pending approval is posted once as Slack-compatible JSON, signed with the project's signing secret like tool calls; a failed delivery is retried for about two hours.">
            <Input id="approval-webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.slack.com/services/…" autoComplete="off" invalid={!!fields.url} />
          </Field>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" pending={pending} disabled={!url.trim()}>Save webhook</Button>
            {host ? <Button type="button" variant="secondary" disabled={pending} onClick={() => void save("")}>Remove webhook</Button> : null}
            {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
          </div>
        </>
      )}
    </form>
  );
}
