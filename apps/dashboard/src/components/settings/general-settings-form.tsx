"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, Checkbox, Field, FormError, Input, Textarea, useActionForm } from "@/components/ui/index.ts";
import { updateProjectSettingsAction } from "@/server/actions/settings.ts";
import { Callout } from "./settings-section.tsx";

export type GeneralSettings = { name: string; allowedUpstreamHosts: string[]; allowHttpUpstreams: boolean; requireMember: boolean };

/** Host list as typed: one per line (commas and spaces also separate). */
function parseHosts(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * Name, upstream host allow-list, plain http and require_member. Viewers and members see the
 * same form read-only (a disabled fieldset) without the save button.
 */
export function GeneralSettingsForm({ slug, initial, readOnly }: { slug: string; initial: GeneralSettings; readOnly: boolean }) {
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [hosts, setHosts] = useState(initial.allowedUpstreamHosts.join("\n"));
  const [allowHttp, setAllowHttp] = useState(initial.allowHttpUpstreams);
  const [requireMember, setRequireMember] = useState(initial.requireMember);
  const { error, fields, pending, submit } = useActionForm();
  const [saved, setSaved] = useState<string>();

  // After a save the page re-renders with the stored (normalized) values: show those.
  const stored = JSON.stringify(initial);
  useEffect(() => {
    const next = JSON.parse(stored) as GeneralSettings;
    setName(next.name);
    setHosts(next.allowedUpstreamHosts.join("\n"));
    setAllowHttp(next.allowHttpUpstreams);
    setRequireMember(next.requireMember);
  }, [stored]);

  const hostError = fields.allowedUpstreamHosts ?? Object.entries(fields).find(([key]) => key.startsWith("allowedUpstreamHosts."))?.[1];
  const dirty = name !== initial.name || parseHosts(hosts).join("\n") !== initial.allowedUpstreamHosts.join("\n") || allowHttp !== initial.allowHttpUpstreams || requireMember !== initial.requireMember;

  return (
    <form
      className="space-y-5 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      onSubmit={async (event) => {
        event.preventDefault();
        setSaved(undefined);
        const result = await submit(() => updateProjectSettingsAction(slug, { name, allowedUpstreamHosts: parseHosts(hosts), allowHttpUpstreams: allowHttp, requireMember }));
        if (!result) return;
        setSaved(result.message);
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset disabled={readOnly} className="space-y-5">
        <Field label="Project name" htmlFor="settings-name" error={fields.name} hint="Shown in the dashboard. The slug and the MCP URL do not change.">
          <Input id="settings-name" name="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} invalid={!!fields.name} />
        </Field>

        <Field
          label="Allowed upstream hosts"
          htmlFor="settings-hosts"
          error={hostError}
          hint="One host name per line, e.g. api.example.com (no https://, port or path). Leave empty to allow any host; private and loopback addresses stay blocked either way."
        >
          <Textarea
            id="settings-hosts"
            name="allowedUpstreamHosts"
            rows={4}
            value={hosts}
            onChange={(e) => setHosts(e.target.value)}
            placeholder={"api.example.com\ncrm.example.com"}
            spellCheck={false}
            invalid={!!hostError}
            aria-describedby={hostError ? "settings-hosts-error" : undefined}
          />
        </Field>

        <div className="space-y-2">
          <Checkbox id="settings-allow-http" label="Allow plain-http upstreams" checked={allowHttp} onChange={(e) => setAllowHttp(e.target.checked)} />
          <p className="pl-6 text-xs text-slate-500">By default tools may only call https:// URLs.</p>
          {allowHttp ? (
            <div className="pl-6">
              <Callout tone="warning" title="Requests and answers travel unencrypted">
                Arguments, member identity headers and upstream credentials can be read or changed by anyone on the network path. Use it only for APIs on a network you trust.
              </Callout>
            </div>
          ) : null}
        </div>

        <div className="space-y-2">
          <Checkbox id="settings-require-member" label="Require a member identity" checked={requireMember} onChange={(e) => setRequireMember(e.target.checked)} />
          <p className="pl-6 text-xs text-slate-500">
            Calls without a member identity are refused (and recorded as denied runs): an API key on its own can still list tools, but calling them takes a member session token (<code className="font-mono">tng_mst_…</code>) minted by your backend.
          </p>
        </div>
      </fieldset>

      {readOnly ? (
        <p className="text-sm text-slate-500">You can view these settings; an admin of the organization can change them.</p>
      ) : (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          <Button type="submit" pending={pending} disabled={!dirty}>Save settings</Button>
          {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
          {!saved && dirty ? <p className="text-sm text-slate-500">You have unsaved changes.</p> : null}
        </div>
      )}
    </form>
  );
}
